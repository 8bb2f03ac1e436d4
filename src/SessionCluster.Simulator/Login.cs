using System.Globalization;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;

namespace SessionCluster.Simulator;

/// <summary>
/// A paired companion logging in (docs/PROTOCOL.md §3): a known device whose Noise key matches the one it registered with gets
/// <c>&lt;success&gt;</c>; anything else gets <c>&lt;failure reason="401"/&gt;</c> (logged out) and the connection closes.
/// A second login of the same device replaces the first, which is told
/// <c>&lt;stream:error&gt;&lt;conflict type="replaced"/&gt;&lt;/stream:error&gt;</c>.
/// </summary>
internal sealed partial class Login(AccountDirectory accounts, ConnectionRegistry connections, SimulatorStats stats, TimeProvider clock, ILogger<Login> logger)
{
    /// <summary>Answers the login; true when the connection continues.</summary>
    public async Task<bool> LoginAsync(ChatConnection connection, LoginRequest request, CancellationToken cancellationToken)
    {
        var account = accounts.Find(request.Phone);
        var device = account?.FindDevice(request.Device);
        if (account is null || device is null)
        {
            stats.LoginFailure();
            LogUnknownDevice(logger, connection.Id, request.Device);
            await connection.CloseAsync(ServerStanzas.Failure(401), "login of an unknown device").ConfigureAwait(false);
            return false;
        }

        if (!device.NoiseKey.Span.SequenceEqual(connection.NoiseKey.Span))
        {
            // The device id exists but this is not the key it registered: someone else's credentials.
            stats.LoginFailure();
            LogNoiseKeyMismatch(logger, connection.Id, request.Device);
            await connection.CloseAsync(ServerStanzas.Failure(401), "login with another device's noise key").ConfigureAwait(false);
            return false;
        }

        var loggedIn = new LoggedInDevice(account, device);
        connection.SetLoggedIn(loggedIn);
        var replaced = connections.Login(loggedIn.DeviceJid.ToString(), connection);
        if (replaced is not null)
        {
            stats.Conflict();
            LogReplaced(logger, replaced.Id, connection.Id);
            await replaced.CloseAsync(StreamErrors.Replaced(), "replaced by a newer login of the same device").ConfigureAwait(false);
        }

        stats.Login();
        return await connection.SendAsync(Success(account, device.DeviceId, clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>&lt;success t lid creation/&gt;</c>: Baileys reads <c>t</c> (server clock offset) and <c>lid</c> (its own LID
    /// device JID, stored with its PN as a mapping); whatsmeow also reads <c>lid</c>.
    /// </summary>
    public static Node Success(Accounts.Account account, int deviceId, DateTimeOffset now) => new(
        "success",
        [
            ("t", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            ("lid", account.DeviceLid(deviceId).ToString()),
            ("creation", account.CreatedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        ]);

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Connection {Id}: login of unknown device {Device} refused (401)")]
    private static partial void LogUnknownDevice(ILogger logger, long id, int device);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Connection {Id}: device {Device} logged in with a noise key it did not register; refused (401)")]
    private static partial void LogNoiseKeyMismatch(ILogger logger, long id, int device);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "Connection {Old} replaced by connection {New} (conflict)")]
    private static partial void LogReplaced(ILogger logger, long old, long @new);
}
