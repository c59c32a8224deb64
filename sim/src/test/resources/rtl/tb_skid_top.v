`default_nettype none
// test top: one tessera_skid_buffer with AXI-Stream port names
module tb_skid_top #(
    parameter integer WIDTH = 72
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
    tessera_skid_buffer #(.WIDTH(WIDTH)) skid (
        .clk(clk), .rst_n(rst_n),
        .s_valid(s_axis_tvalid), .s_ready(s_axis_tready), .s_data(s_axis_tdata),
        .m_valid(m_axis_tvalid), .m_ready(m_axis_tready), .m_data(m_axis_tdata));
endmodule
`default_nettype wire
