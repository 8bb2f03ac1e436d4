namespace SessionCluster.Sessions.CrashNode;

/// <summary>The node's stdout: whole lines, flushed at once (a SIGKILL may cut only the last one short), from any thread.</summary>
internal sealed class NodeOutput(TextWriter writer)
{
    private readonly Lock _gate = new();

    public void Line(string line)
    {
        lock (_gate)
        {
            writer.Write(line + "\n");
            writer.Flush();
        }
    }

    /// <summary>The line for a durable domain event the tests follow, if any.</summary>
    public void Event(SessionEventBody body)
    {
        switch (body)
        {
            case SessionStatusChangedBody status:
                Line("status " + status.Status);
                break;
            case QrCodeBody qr:
                Line("qr " + qr.Qr);
                break;
            case MessageReceivedBody received:
                Line("received " + received.MessageId);
                break;
            case MessageStatusBody { Status: MessageDelivery.Sent or MessageDelivery.Failed, Device: null } settled:
                Line($"settled {settled.MessageId} {settled.Status}");
                break;
        }
    }
}
