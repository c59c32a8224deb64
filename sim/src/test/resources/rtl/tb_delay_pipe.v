`default_nettype none
// test pipeline: out = in * 3 + 1 (mod 2**WIDTH), LATENCY register stages, valid travels with the data
module tb_delay_pipe #(
    parameter integer WIDTH   = 16,  // data bits
    parameter integer LATENCY = 5    // register stages, at least 1
) (
    input  wire             clk,
    input  wire             rst_n,
    input  wire             in_valid,
    input  wire [WIDTH-1:0] in_data,
    output wire             out_valid,
    output wire [WIDTH-1:0] out_data
);
    reg [LATENCY-1:0] valid;
    reg [WIDTH-1:0]   data [0:LATENCY-1];
    integer i;
    always @(posedge clk) begin
        if (!rst_n) begin
            valid <= {LATENCY{1'b0}};
        end else begin
            valid <= {valid[LATENCY-2:0], in_valid};
        end
    end
    always @(posedge clk) begin
        data[0] <= in_data + in_data + in_data + 1'b1;
        for (i = 1; i < LATENCY; i = i + 1) begin
            data[i] <= data[i-1];
        end
    end
    assign out_valid = valid[LATENCY-1];
    assign out_data  = data[LATENCY-1];
endmodule
`default_nettype wire
