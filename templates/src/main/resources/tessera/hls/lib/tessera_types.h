// tessera_types.h: picks the fixed-point header. Vitis HLS (or any setup with ap_fixed.h on the
// include path) uses the vendor's ap_fixed.h; plain g++ uses Tessera's bit-accurate tessera_fixed.h.
// -DTESSERA_FORCE_OWN_FIXED selects tessera_fixed.h even when the vendor header is present.
#ifndef TESSERA_TYPES_H
#define TESSERA_TYPES_H

#if !defined(TESSERA_FORCE_OWN_FIXED) && defined(__has_include)
#if __has_include(<ap_fixed.h>)
#include <ap_fixed.h>
#define TESSERA_VENDOR_FIXED 1
#endif
#endif

#ifndef TESSERA_VENDOR_FIXED
#include "tessera_fixed.h"
#endif

#endif  // TESSERA_TYPES_H
