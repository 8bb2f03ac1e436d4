namespace SessionCluster.Sessions.Tests.Connection;

/// <summary>A monotonic clock that moves only when told to (the limiter's and the pacer's tests).</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _ticks;

    public void Advance(TimeSpan by) => _ticks += by.Ticks;
}
