`default_nettype none
// tessera_fifo: synchronous first-word-fall-through FIFO of 2**DEPTH_LOG2 entries.
// r_valid/r_data show the oldest entry; it leaves on r_valid & r_ready. Writing while
// full is the caller's error (tessera_stream_adapter's credits make it impossible);
// such a write is dropped. The storage has no reset and an asynchronous read, so it
// maps to distributed (LUT) RAM on Xilinx parts.
module tessera_fifo #(
    parameter integer WIDTH      = 8,  // data bits per entry
    parameter integer DEPTH_LOG2 = 4   // log2 of the number of entries
) (
    input  wire             clk,
    input  wire             rst_n,    // synchronous, active low
    input  wire             w_valid,
    input  wire [WIDTH-1:0] w_data,
    output wire             r_valid,
    input  wire             r_ready,
    output wire [WIDTH-1:0] r_data
);
    localparam integer DEPTH = 1 << DEPTH_LOG2;

    reg [WIDTH-1:0]    mem [0:DEPTH-1];
    reg [DEPTH_LOG2:0] w_ptr;  // one extra bit tells full from empty
    reg [DEPTH_LOG2:0] r_ptr;

    wire empty = (w_ptr == r_ptr);
    wire full  = (w_ptr[DEPTH_LOG2-1:0] == r_ptr[DEPTH_LOG2-1:0])
               & (w_ptr[DEPTH_LOG2] != r_ptr[DEPTH_LOG2]);
    wire w_fire = w_valid & ~full;
    wire r_fire = r_valid & r_ready;

    assign r_valid = ~empty;
    assign r_data  = mem[r_ptr[DEPTH_LOG2-1:0]];

    always @(posedge clk) begin
        if (!rst_n) begin
            w_ptr <= {(DEPTH_LOG2 + 1){1'b0}};
            r_ptr <= {(DEPTH_LOG2 + 1){1'b0}};
        end else begin
            if (w_fire) begin
                w_ptr <= w_ptr + 1'b1;
            end
            if (r_fire) begin
                r_ptr <= r_ptr + 1'b1;
            end
        end
    end

    always @(posedge clk) begin
        if (w_fire) begin
            mem[w_ptr[DEPTH_LOG2-1:0]] <= w_data;
        end
    end
endmodule
`default_nettype wire
