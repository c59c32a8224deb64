package dev.tessera.backend.hls;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Turns arbitrary names (ONNX tensor and node names) into legal, unique C++ identifiers, keyed by the object they
 * belong to: the same key always gets the same identifier, two keys never share one. Identifiers avoid C++
 * keywords, names reserved to the implementation (a leading underscore, a double underscore) and any name
 * {@link #reserve reserved} by the generator.
 */
final class NameAllocator {

  private static final Set<String> KEYWORDS = Set.of("alignas", "alignof", "and", "and_eq", "asm", "auto",
      "bitand", "bitor", "bool", "break", "case", "catch", "char", "char8_t", "char16_t", "char32_t", "class",
      "compl", "concept", "const", "consteval", "constexpr", "constinit", "const_cast", "continue", "co_await",
      "co_return", "co_yield", "decltype", "default", "delete", "do", "double", "dynamic_cast", "else", "enum",
      "explicit", "export", "extern", "false", "float", "for", "friend", "goto", "if", "inline", "int", "long",
      "mutable", "namespace", "new", "noexcept", "not", "not_eq", "nullptr", "operator", "or", "or_eq", "private",
      "protected", "public", "register", "reinterpret_cast", "requires", "return", "short", "signed", "sizeof",
      "static", "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local", "throw",
      "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual", "void", "volatile",
      "wchar_t", "while", "xor", "xor_eq", "main", "std", "tessera", "tessera_tb", "tessera_fx", "NULL", "assert");

  private final Set<String> used = new HashSet<>();
  private final Map<Object, String> byKey = new HashMap<>();

  /** Marks an identifier as taken by the generator itself. */
  void reserve(String identifier) {
    used.add(identifier);
  }

  /** Allocates an identifier for {@code key} derived from {@code suggestion}; an error if the key has one. */
  String newName(String suggestion, Object key) {
    if (byKey.containsKey(key)) {
      throw new IllegalStateException("key " + key + " already has the name '" + byKey.get(key) + "'");
    }
    String base = legal(suggestion);
    String name = base;
    for (int i = 2; used.contains(name) || KEYWORDS.contains(name); i++) {
      name = base + "_" + i;
    }
    used.add(name);
    byKey.put(key, name);
    return name;
  }

  /** The identifier allocated for {@code key}. */
  String get(Object key) {
    String n = byKey.get(key);
    if (n == null) {
      throw new IllegalArgumentException("no name allocated for " + key);
    }
    return n;
  }

  /** A legal C++ identifier close to {@code s}: letters, digits and single underscores, not starting with one. */
  static String legal(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      char out = ok ? c : '_';
      if (out == '_' && (b.length() == 0 || b.charAt(b.length() - 1) == '_')) {
        continue;
      }
      b.append(out);
    }
    while (b.length() > 0 && b.charAt(b.length() - 1) == '_') {
      b.setLength(b.length() - 1);
    }
    if (b.length() == 0) {
      return "t";
    }
    if (Character.isDigit(b.charAt(0))) {
      b.insert(0, "t_");
    }
    return b.toString();
  }
}
