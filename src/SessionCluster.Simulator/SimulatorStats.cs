namespace SessionCluster.Simulator;

/// <summary>Counters behind <c>GET /admin/stats</c>. Lock-free; every field changes with Interlocked.</summary>
internal sealed class SimulatorStats
{
    private long _connectionsOpen;
    private long _connectionsTotal;
    private long _registrations;
    private long _logins;
    private long _loginFailures;
    private long _conflicts;
    private long _devicesLinked;
    private long _stanzasIn;
    private long _stanzasOut;
    private long _errorsSent;
    private long _unhandled;
    private long _relayed;
    private long _acksReceived;
    private long _relayErrors;
    private long _bundlesServed;
    private long _usyncQueries;

    public void ConnectionOpened()
    {
        Interlocked.Increment(ref _connectionsOpen);
        Interlocked.Increment(ref _connectionsTotal);
    }

    public void ConnectionClosed() => Interlocked.Decrement(ref _connectionsOpen);

    public void Registration() => Interlocked.Increment(ref _registrations);

    public void Login() => Interlocked.Increment(ref _logins);

    public void LoginFailure() => Interlocked.Increment(ref _loginFailures);

    public void Conflict() => Interlocked.Increment(ref _conflicts);

    public void DeviceLinked() => Interlocked.Increment(ref _devicesLinked);

    public void StanzaIn() => Interlocked.Increment(ref _stanzasIn);

    public void StanzaOut() => Interlocked.Increment(ref _stanzasOut);

    /// <summary>An iq error, failure or stream error went out.</summary>
    public void ErrorSent() => Interlocked.Increment(ref _errorsSent);

    /// <summary>A stanza or iq the simulator does not implement arrived (it got a 501 or no answer).</summary>
    public void Unhandled() => Interlocked.Increment(ref _unhandled);

    /// <summary>A message, receipt or notification copy was queued for a device.</summary>
    public void Relayed() => Interlocked.Increment(ref _relayed);

    /// <summary>A device acked a stanza the server delivered.</summary>
    public void AckReceived() => Interlocked.Increment(ref _acksReceived);

    /// <summary>A message was refused with an error ack, or a receipt/delivery could not be routed.</summary>
    public void RelayError() => Interlocked.Increment(ref _relayErrors);

    /// <summary>A prekey bundle (one device) was served.</summary>
    public void BundleServed() => Interlocked.Increment(ref _bundlesServed);

    /// <summary>A usync query (devices, LIDs, contacts of a list of users) was answered.</summary>
    public void UsyncQuery() => Interlocked.Increment(ref _usyncQueries);

    public StatsSnapshot Snapshot(int accounts, int offlineQueueDepth) => new(
        Interlocked.Read(ref _connectionsOpen),
        Interlocked.Read(ref _connectionsTotal),
        accounts,
        Interlocked.Read(ref _registrations),
        Interlocked.Read(ref _logins),
        Interlocked.Read(ref _loginFailures),
        Interlocked.Read(ref _conflicts),
        Interlocked.Read(ref _devicesLinked),
        Interlocked.Read(ref _stanzasIn),
        Interlocked.Read(ref _stanzasOut),
        Interlocked.Read(ref _errorsSent),
        Interlocked.Read(ref _unhandled),
        Interlocked.Read(ref _relayed),
        Interlocked.Read(ref _acksReceived),
        offlineQueueDepth,
        Interlocked.Read(ref _relayErrors),
        Interlocked.Read(ref _bundlesServed),
        Interlocked.Read(ref _usyncQueries));
}

/// <summary>The JSON body of <c>GET /admin/stats</c>.</summary>
public sealed record StatsSnapshot(
    long Connections,
    long ConnectionsTotal,
    long Accounts,
    long Registrations,
    long Logins,
    long LoginFailures,
    long Conflicts,
    long DevicesLinked,
    long StanzasIn,
    long StanzasOut,
    long ErrorsSent,
    long Unhandled,
    long StanzasRelayed,
    long AcksReceived,
    long OfflineQueueDepth,
    long RelayErrors,
    long BundlesServed,
    long UsyncQueries);
