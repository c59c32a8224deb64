`default_nettype none
// tessera_stream_adapter: runs a free-running II=1 pipeline (no clock enable, a valid
// bit travelling with the data, a fixed latency from pipe_in to pipe_out) behind
// AXI-Stream ports that honour back-pressure.
//
// The pipeline is not part of this module: pipe_in_* go to it and pipe_out_* come back.
// Credits: 'inflight' counts the beats accepted at s_axis and not yet delivered at
// m_axis (in the pipeline, in the FIFO or in the output register slice). A beat is
// accepted only while inflight < CREDITS, and the output FIFO holds CREDITS entries,
// so whatever leaves the pipeline always finds room: nothing is lost or duplicated,
// and order is kept. CREDITS >= latency + 3 (the pipeline, the FIFO write and the
// two registers of the slice) keeps one beat per clock when m_axis_tready stays high.
//
// Latency from an s_axis handshake to m_axis_tvalid, with empty buffers:
// pipeline latency + 2 cycles (FIFO write, output register).
module tessera_stream_adapter #(
    parameter integer IN_WIDTH    = 8,  // s_axis_tdata bits
    parameter integer OUT_WIDTH   = 8,  // m_axis_tdata bits
    parameter integer CREDIT_LOG2 = 3   // log2 of the credits = FIFO entries; 2**CREDIT_LOG2 >= pipeline latency + 3
) (
    input  wire                 clk,
    input  wire                 rst_n,          // synchronous, active low
    input  wire                 s_axis_tvalid,
    output wire                 s_axis_tready,
    input  wire [IN_WIDTH-1:0]  s_axis_tdata,
    output wire                 m_axis_tvalid,
    input  wire                 m_axis_tready,
    output wire [OUT_WIDTH-1:0] m_axis_tdata,
    output wire                 pipe_in_valid,  // to the pipeline
    output wire [IN_WIDTH-1:0]  pipe_in_data,
    input  wire                 pipe_out_valid, // from the pipeline, its latency later
    input  wire [OUT_WIDTH-1:0] pipe_out_data
);
    reg  [CREDIT_LOG2:0] inflight;
    wire                 accept  = s_axis_tvalid & s_axis_tready;
    wire                 deliver = m_axis_tvalid & m_axis_tready;

    assign s_axis_tready = ~inflight[CREDIT_LOG2];  // inflight < CREDITS
    assign pipe_in_valid = accept;
    assign pipe_in_data  = s_axis_tdata;

    always @(posedge clk) begin
        if (!rst_n) begin
            inflight <= {(CREDIT_LOG2 + 1){1'b0}};
        end else if (accept & ~deliver) begin
            inflight <= inflight + 1'b1;
        end else if (deliver & ~accept) begin
            inflight <= inflight - 1'b1;
        end
    end

    wire                 fifo_valid;
    wire                 fifo_ready;
    wire [OUT_WIDTH-1:0] fifo_data;

    tessera_fifo #(
        .WIDTH     (OUT_WIDTH),
        .DEPTH_LOG2(CREDIT_LOG2)
    ) fifo (
        .clk    (clk),
        .rst_n  (rst_n),
        .w_valid(pipe_out_valid),
        .w_data (pipe_out_data),
        .r_valid(fifo_valid),
        .r_ready(fifo_ready),
        .r_data (fifo_data)
    );

    tessera_skid_buffer #(
        .WIDTH(OUT_WIDTH)
    ) slice (
        .clk    (clk),
        .rst_n  (rst_n),
        .s_valid(fifo_valid),
        .s_ready(fifo_ready),
        .s_data (fifo_data),
        .m_valid(m_axis_tvalid),
        .m_ready(m_axis_tready),
        .m_data (m_axis_tdata)
    );
endmodule
`default_nettype wire
