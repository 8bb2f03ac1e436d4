using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Sessions.Connection;
using SessionCluster.Sessions.Flows;
using static SessionCluster.Sessions.Connection.ConnectionProtocol;

namespace SessionCluster.Sessions.Tests.Flows;

/// <summary>The verdict table of docs/SESSIONS.md "When the server ends a session", one row per case.</summary>
public sealed class LossVerdictTests
{
    private static readonly Dictionary<string, (ConnectionLost Lost, LossVerdict Expected)> Rows = new()
    {
        ["515 restart"] = (StreamError(515), new LossVerdict.RestartNow()),
        ["401 stream error"] = (StreamError(401), new LossVerdict.LoggedOut(LogoutReason.DeviceRemoved)),
        ["401 device_removed"] = (StreamError(401, "device_removed"), new LossVerdict.LoggedOut(LogoutReason.DeviceRemoved)),
        ["device_removed without a code"] = (StreamError(null, "device_removed"), new LossVerdict.LoggedOut(LogoutReason.DeviceRemoved)),
        ["conflict replaced"] = (StreamError(null, "replaced"), new LossVerdict.Replaced()),
        ["another conflict"] = (StreamError(null, "something_new"), new LossVerdict.Replaced()),
        ["503 stream error"] = (StreamError(503), new LossVerdict.Backoff(DisconnectReason.ServerError)),
        ["500 stream error"] = (StreamError(500), new LossVerdict.Backoff(DisconnectReason.ServerError)),
        ["stream error without code or conflict"] = (StreamError(null), new LossVerdict.Backoff(DisconnectReason.StreamError)),
        ["408 stream error"] = (StreamError(408), new LossVerdict.Backoff(DisconnectReason.StreamError)),
        ["failure 401"] = (Failure(401), new LossVerdict.LoggedOut(LogoutReason.LoginRefused)),
        ["failure 403"] = (Failure(403), new LossVerdict.LoggedOut(LogoutReason.MainDeviceGone)),
        ["failure 406"] = (Failure(406), new LossVerdict.LoggedOut(LogoutReason.UnknownLogout)),
        ["failure 503"] = (Failure(503), new LossVerdict.Backoff(DisconnectReason.ServerError)),
        ["failure 500"] = (Failure(500), new LossVerdict.Backoff(DisconnectReason.ServerError)),
        ["failure 402 (temporarily banned)"] = (Failure(402), new LossVerdict.Halt(DisconnectReason.TemporarilyBanned)),
        ["failure 405 (client too old)"] = (Failure(405), new LossVerdict.Halt(DisconnectReason.ClientOutdated)),
        ["failure 409"] = (Failure(409), new LossVerdict.Backoff(DisconnectReason.LoginFailed)),
        ["failure without a reason"] = (Failure(null), new LossVerdict.Backoff(DisconnectReason.LoginFailed)),
        ["server closed"] = (Lost(ConnectionLossReason.ServerClosed), new LossVerdict.Backoff(DisconnectReason.ConnectionLost)),
        ["refused"] = (Lost(ConnectionLossReason.Refused), new LossVerdict.Backoff(DisconnectReason.ConnectionLost)),
        ["keepalive timeout"] = (Lost(ConnectionLossReason.KeepaliveTimeout), new LossVerdict.Backoff(DisconnectReason.ConnectionLost)),
        ["malformed input"] = (Lost(ConnectionLossReason.MalformedInput), new LossVerdict.Backoff(DisconnectReason.ConnectionLost)),
        ["handshake"] = (Lost(ConnectionLossReason.Handshake), new LossVerdict.Backoff(DisconnectReason.ConnectionLost)),
        ["fault"] = (Lost(ConnectionLossReason.Fault), new LossVerdict.Backoff(DisconnectReason.ConnectionLost)),
    };

    // The verdict types are internal; the theory is keyed by the row's name.
    public static TheoryData<string> Table => new(Rows.Keys);

    [Theory]
    [MemberData(nameof(Table))]
    public void Each_way_a_connection_ends_has_its_verdict(string row)
    {
        var (lost, expected) = Rows[row];
        Assert.Equal(expected, LossVerdict.Of(lost));
    }

    [Fact]
    public void The_stream_error_stanzas_the_server_sends_read_as_their_verdicts_through_the_connection_fields()
    {
        // The fields the ConnectionActor fills from StreamErrors' own stanzas (the simulator sends these).
        Assert.Equal(new LossVerdict.Replaced(), LossVerdict.Of(FromStanza(StreamErrors.Replaced())));
        Assert.Equal(new LossVerdict.LoggedOut(LogoutReason.DeviceRemoved), LossVerdict.Of(FromStanza(StreamErrors.DeviceRemoved())));
        Assert.Equal(new LossVerdict.RestartNow(), LossVerdict.Of(FromStanza(StreamErrors.WithCode(StreamErrors.RestartRequired))));
    }

    private static ConnectionLost StreamError(int? code, string? conflict = null) =>
        new(ConnectionLossReason.StreamError, "test", code, ConflictType: conflict);

    private static ConnectionLost Failure(int? reason) => new(ConnectionLossReason.LoginFailed, "test", FailureReason: reason);

    private static ConnectionLost Lost(ConnectionLossReason reason) => new(reason, "test");

    private static ConnectionLost FromStanza(Node node) => StreamError(
        int.TryParse(node.GetOptionalString("code"), out var code) ? code : null,
        node.Children.FirstOrDefault(c => c.Tag == "conflict")?.GetOptionalString("type"));
}
