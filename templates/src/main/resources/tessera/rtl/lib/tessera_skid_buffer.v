`default_nettype none
// tessera_skid_buffer: AXI-Stream register slice with a skid register. Every output
// (s_ready, m_valid, m_data) comes from a flip-flop, so no combinational path crosses
// the slice; full throughput (one beat per clock) when the sink is ready. Reset clears
// the valid bits only.
module tessera_skid_buffer #(
    parameter integer WIDTH = 8  // data bits per beat
) (
    input  wire             clk,
    input  wire             rst_n,    // synchronous, active low
    input  wire             s_valid,
    output reg              s_ready,
    input  wire [WIDTH-1:0] s_data,
    output reg              m_valid,
    input  wire             m_ready,
    output reg  [WIDTH-1:0] m_data
);
    reg             skid_valid;  // a beat accepted while the output was stalled
    reg [WIDTH-1:0] skid_data;

    wire s_fire = s_valid & s_ready;
    wire m_free = ~m_valid | m_ready;  // the output register can take a beat this cycle

    always @(posedge clk) begin
        if (!rst_n) begin
            s_ready    <= 1'b0;
            m_valid    <= 1'b0;
            skid_valid <= 1'b0;
        end else begin
            if (m_free) begin
                // refill the output: the skid register first, else the input
                m_valid    <= skid_valid | s_fire;
                skid_valid <= 1'b0;
            end else if (s_fire) begin
                skid_valid <= 1'b1;
            end
            // ready again once the skid register is (or stays) empty
            s_ready <= m_free | (~skid_valid & ~s_fire);
        end
    end

    always @(posedge clk) begin
        if (m_free) begin
            m_data <= skid_valid ? skid_data : s_data;
        end
        if (!m_free && s_fire) begin
            skid_data <= s_data;
        end
    end
endmodule
`default_nettype wire
