`default_nettype none
// test top: tessera_stream_adapter around tb_delay_pipe
module tb_axis_top #(
    parameter integer WIDTH       = 16,
    parameter integer LATENCY     = 5,
    parameter integer CREDIT_LOG2 = 3
) (
    input  wire             clk,
    input  wire             rst_n,
    input  wire             s_axis_tvalid,
    output wire             s_axis_tready,
    input  wire [WIDTH-1:0] s_axis_tdata,
    output wire             m_axis_tvalid,
    input  wire             m_axis_tready,
    output wire [WIDTH-1:0] m_axis_tdata
);
    wire             in_valid;
    wire [WIDTH-1:0] in_data;
    wire             out_valid;
    wire [WIDTH-1:0] out_data;
    tessera_stream_adapter #(.IN_WIDTH(WIDTH), .OUT_WIDTH(WIDTH), .CREDIT_LOG2(CREDIT_LOG2)) adapter (
        .clk(clk), .rst_n(rst_n),
        .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready), .s_axis_tdata(s_axis_tdata),
        .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready), .m_axis_tdata(m_axis_tdata),
        .pipe_in_valid(in_valid), .pipe_in_data(in_data), .pipe_out_valid(out_valid), .pipe_out_data(out_data));
    tb_delay_pipe #(.WIDTH(WIDTH), .LATENCY(LATENCY)) pipe (
        .clk(clk), .rst_n(rst_n), .in_valid(in_valid), .in_data(in_data),
        .out_valid(out_valid), .out_data(out_data));
endmodule
`default_nettype wire
