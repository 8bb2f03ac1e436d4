using System.Text.Json;
using SessionCluster.Interop.Tests.Infrastructure;

namespace SessionCluster.Interop.Tests.Simulator;

/// <summary>
/// A real Baileys 7.0.0-rc14 client (makeWASocket) in its own Node process, pointed at the simulator:
/// tests/Interop/baileys-client-peer.mjs driven over <see cref="NodePeer"/>.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="StartAsync"/> launches the driver and creates the socket: Baileys connects to the given
/// <c>ws://…/ws/chat</c> URL, trusts the given 32-byte root key instead of WhatsApp's, keeps its
/// credentials and Signal keys in the auth folder (so <see cref="ReconnectAsync"/>, a restart, or a
/// second client on the same folder logs in as the same device) and, in that process only, accepts the
/// simulator's self-signed media certificate.
/// </para>
/// <para>
/// Everything Baileys reports arrives as typed <see cref="BaileysEvent"/>s in <see cref="Events"/>, in
/// order: <see cref="BaileysQr"/>, <see cref="BaileysPairingCode"/>, <see cref="BaileysConnectionUpdate"/>,
/// <see cref="BaileysRestart"/>, <see cref="BaileysCreds"/>, <see cref="BaileysMessage"/>,
/// <see cref="BaileysReceipt"/>, <see cref="BaileysGroupEvent"/>, <see cref="BaileysError"/>. The WaitFor…
/// helpers search the history from <c>since</c> (default: the beginning; take a <see cref="Mark"/> before
/// an action to see only what follows it) and then wait for new events. A wait fails with a
/// <see cref="BaileysClientException"/> that lists the recent events and Baileys' log, on timeout or as
/// soon as the awaited event has become impossible (e.g. the connection closed for good).
/// </para>
/// <para>
/// Stream error 515 after pairing: Baileys does not reconnect by itself; the driver waits for the saved
/// credentials and creates a new socket on the same auth state, reported as a close with status 515, a
/// <see cref="BaileysRestart"/>, then the new socket's updates (generation + 1). Every other close is only
/// reported. <see cref="WaitForOpenAsync"/> therefore succeeds across the 515 restart.
/// </para>
/// </remarks>
public sealed class BaileysClient : IAsyncDisposable
{
    /// <summary>The driver script in tests/Interop.</summary>
    public const string Script = "baileys-client-peer.mjs";

    /// <summary>Baileys' DisconnectReason.restartRequired, the stream error after pair-success.</summary>
    public const int RestartRequired = 515;

    private const int RecentEventsShown = 40;

    private readonly NodePeer _peer;
    private readonly BaileysClientOptions _options;
    private readonly object _args;
    private readonly object _gate = new();
    private readonly List<BaileysEvent> _history = [];
    private readonly Task _pump;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _ended;

    private BaileysClient(NodePeer peer, BaileysClientOptions options, object args, string authDirectory)
    {
        _peer = peer;
        _options = options;
        _args = args;
        AuthDirectory = authDirectory;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>The folder holding this client's credentials and Signal keys (Baileys' useMultiFileAuthState).</summary>
    public string AuthDirectory { get; }

    /// <summary>A snapshot of every event received so far, oldest first.</summary>
    public IReadOnlyList<BaileysEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _history];
            }
        }
    }

    /// <summary>The <see cref="BaileysError"/> events so far: failures inside the driver outside any call.</summary>
    public IReadOnlyList<BaileysError> Errors => [.. Events.OfType<BaileysError>()];

    /// <summary>The driver's most recent stderr lines (Baileys' JSON log).</summary>
    public string StderrTail => _peer.StderrTail;

    /// <summary>
    /// Launches the driver and creates a Baileys socket against <paramref name="url"/>; returns at once,
    /// before any connection progress (await <see cref="WaitForQrAsync"/> or <see cref="WaitForOpenAsync"/>).
    /// </summary>
    /// <param name="url">The simulator's chat WebSocket, e.g. <c>ws://127.0.0.1:5123/ws/chat</c> (<c>wss://…</c> with <see cref="BaileysClientOptions.TrustedCertificatePem"/>).</param>
    /// <param name="rootPublicKey">The 32-byte Noise certificate root Baileys must trust.</param>
    /// <param name="authDirectory">The credentials folder; created if missing, reused if it holds a linked device.</param>
    /// <exception cref="NodePeerException">The driver failed to start or refused the arguments.</exception>
    public static async Task<BaileysClient> StartAsync(
        string url,
        ReadOnlyMemory<byte> rootPublicKey,
        string authDirectory,
        BaileysClientOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        ArgumentException.ThrowIfNullOrEmpty(authDirectory);
        if (rootPublicKey.Length != 32)
        {
            throw new ArgumentException($"The root public key must be 32 bytes, got {rootPublicKey.Length}.", nameof(rootPublicKey));
        }

        options ??= BaileysClientOptions.Default;
        var args = new
        {
            url,
            rootPublicKeyHex = Convert.ToHexStringLower(rootPublicKey.Span),
            authDir = Path.GetFullPath(authDirectory),
            caPem = options.TrustedCertificatePem,
            phoneForPairingCode = options.PhoneForPairingCode,
            browser = options.Browser,
            markOnlineOnConnect = options.MarkOnlineOnConnect,
            logLevel = options.LogLevel,
            connectTimeoutMs = (long)options.ConnectTimeout.TotalMilliseconds,
            defaultQueryTimeoutMs = (long)options.DefaultQueryTimeout.TotalMilliseconds,
            maxRestarts = options.MaxRestarts,
            skipHistorySync = options.SkipHistorySync,
        };
        var peer = await NodePeer.StartAsync(
            Script,
            new NodePeerOptions { CallTimeout = options.CallTimeout, StderrLine = options.StderrLine },
            cancellationToken);
        var client = new BaileysClient(peer, options, args, args.authDir);
        try
        {
            await client.CallAsync("start", args, cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Creates a new socket with the same URL, root key and auth folder, after the previous one closed
    /// (<see cref="EndAsync"/>, a conflict, a lost connection). Take a <see cref="Mark"/> first to wait for the new open.
    /// </summary>
    public Task ReconnectAsync(CancellationToken cancellationToken = default) => CallAsync("start", _args, cancellationToken);

    /// <summary>The position the next event will have; pass it as <c>since</c> to ignore everything before.</summary>
    public int Mark()
    {
        lock (_gate)
        {
            return _history.Count;
        }
    }

    /// <summary>Waits for a QR: the server's pair-device turned into Baileys' QR string (see <see cref="BaileysQr"/>).</summary>
    public Task<BaileysQr> WaitForQrAsync(TimeSpan? timeout = null, int since = 0, CancellationToken cancellationToken = default) =>
        WaitForEventAsync<BaileysQr>(_ => true, "a QR", timeout, since, FailOnFinalClose, cancellationToken);

    /// <summary>Waits for a pairing code event.</summary>
    public Task<BaileysPairingCode> WaitForPairingCodeAsync(TimeSpan? timeout = null, int since = 0, CancellationToken cancellationToken = default) =>
        WaitForEventAsync<BaileysPairingCode>(_ => true, "a pairing code", timeout, since, FailOnFinalClose, cancellationToken);

    /// <summary>
    /// Waits for connection 'open'. A close with 515 is passed over (the driver restarts); any other
    /// close fails the wait at once with its status code.
    /// </summary>
    public Task<BaileysConnectionUpdate> WaitForOpenAsync(TimeSpan? timeout = null, int since = 0, CancellationToken cancellationToken = default) =>
        WaitForEventAsync<BaileysConnectionUpdate>(update => update.IsOpen, "connection 'open'", timeout, since, FailOnFinalClose, cancellationToken);

    /// <summary>
    /// Waits for connection 'close' with <paramref name="expectedStatus"/> (null: any status, including a
    /// clean end without one). A close with another status fails the wait at once, except a 515 that the
    /// driver restarts from when 515 is not the status awaited.
    /// </summary>
    public Task<BaileysConnectionUpdate> WaitForConnectionCloseAsync(
        int? expectedStatus, TimeSpan? timeout = null, int since = 0, CancellationToken cancellationToken = default)
    {
        var description = expectedStatus is null ? "connection 'close'" : $"connection 'close' with status {expectedStatus}";
        return WaitForEventAsync<BaileysConnectionUpdate>(
            update => update.IsClose && (expectedStatus is null || update.StatusCode == expectedStatus),
            description,
            timeout,
            since,
            e => e is BaileysConnectionUpdate { IsClose: true } close && close.StatusCode != RestartRequired
                ? $"the connection closed with status {Status(close)} ({close.Error})"
                : null,
            cancellationToken);
    }

    /// <summary>Waits for the driver's new socket after a 515 close; any other close fails the wait at once.</summary>
    public Task<BaileysRestart> WaitForRestartAsync(TimeSpan? timeout = null, int since = 0, CancellationToken cancellationToken = default) =>
        WaitForEventAsync<BaileysRestart>(_ => true, "a restart after stream error 515", timeout, since, FailOnFinalClose, cancellationToken);

    /// <summary>Waits for a linked-device credentials update (<see cref="BaileysCreds.Me"/> set).</summary>
    public Task<BaileysCreds> WaitForPairedAsync(TimeSpan? timeout = null, int since = 0, CancellationToken cancellationToken = default) =>
        WaitForEventAsync<BaileysCreds>(creds => creds.Paired, "credentials with a paired device (me + account)", timeout, since, FailOnFinalClose, cancellationToken);

    /// <summary>Waits for a received (or own, echoed) message matching <paramref name="predicate"/>.</summary>
    public Task<BaileysMessage> WaitForMessageAsync(
        Func<BaileysMessage, bool> predicate, string? description = null, TimeSpan? timeout = null, int since = 0, CancellationToken cancellationToken = default) =>
        WaitForEventAsync(predicate, description ?? "a matching message", timeout, since, null, cancellationToken);

    /// <summary>Waits for a receipt or status update matching <paramref name="predicate"/>.</summary>
    public Task<BaileysReceipt> WaitForReceiptAsync(
        Func<BaileysReceipt, bool> predicate, string? description = null, TimeSpan? timeout = null, int since = 0, CancellationToken cancellationToken = default) =>
        WaitForEventAsync(predicate, description ?? "a matching receipt", timeout, since, null, cancellationToken);

    /// <summary>
    /// The general wait: the first event of type <typeparamref name="T"/> at or after position
    /// <paramref name="since"/> that matches <paramref name="predicate"/>. <paramref name="failFast"/> may
    /// return a reason for an event that makes the wait hopeless; it then fails at once.
    /// </summary>
    /// <exception cref="BaileysClientException">Timeout, a fail-fast event, or the driver ended.</exception>
    public async Task<T> WaitForEventAsync<T>(
        Func<T, bool> predicate,
        string description,
        TimeSpan? timeout = null,
        int since = 0,
        Func<BaileysEvent, string?>? failFast = null,
        CancellationToken cancellationToken = default)
        where T : BaileysEvent
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var limit = timeout ?? _options.WaitTimeout;
        var deadline = DateTime.UtcNow + limit;
        var cursor = Math.Max(0, since);
        while (true)
        {
            Task changed;
            string? ended;
            lock (_gate)
            {
                for (; cursor < _history.Count; cursor++)
                {
                    var next = _history[cursor];
                    if (next is T match && predicate(match))
                    {
                        return match;
                    }

                    if (failFast?.Invoke(next) is { } reason)
                    {
                        throw Failure($"Waiting for {description}: {reason}; event {next.Sequence} rules it out.");
                    }
                }

                changed = _changed.Task;
                ended = _ended;
            }

            if (ended is not null)
            {
                throw Failure($"Waiting for {description}: the driver stopped sending events ({ended}).");
            }

            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                throw Failure($"Waiting for {description}: nothing matched within {limit.TotalSeconds:0.#} s.");
            }

            try
            {
                await changed.WaitAsync(remaining, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Checked once more above, then reported.
            }
        }
    }

    /// <summary>Asks Baileys for a pairing code for <paramref name="phone"/> (digits only); waits for the socket's QR stage first.</summary>
    public async Task<string> RequestPairingCodeAsync(string phone, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("requestPairingCode", new { phone }, cancellationToken);
        return BaileysEvent.Str(result, "code") ?? throw Failure("requestPairingCode answered without a code.");
    }

    /// <summary>Sends a text message; returns the message key Baileys assigned.</summary>
    public async Task<BaileysMessageKey> SendTextAsync(string to, string text, CancellationToken cancellationToken = default) =>
        BaileysMessageKey.From(await CallAsync("sendText", new { to, text }, cancellationToken));

    /// <summary>Sends an image (uploaded encrypted to the simulator's media host).</summary>
    public async Task<BaileysMessageKey> SendImageAsync(
        string to, ReadOnlyMemory<byte> bytes, string? caption = null, string mimetype = "image/jpeg", CancellationToken cancellationToken = default) =>
        BaileysMessageKey.From(await CallAsync("sendImage", new { to, bytes = Convert.ToBase64String(bytes.Span), caption, mimetype }, cancellationToken));

    /// <summary>
    /// Sends any Baileys message content (<c>sock.sendMessage(to, content)</c>) given as JSON; a member that is
    /// <c>{ base64 }</c> becomes a Buffer (a media file). <paramref name="quotedId"/> makes it a reply to a message this
    /// client received or sent.
    /// </summary>
    public async Task<BaileysMessageKey> SendContentAsync(string to, object content, string? quotedId = null, CancellationToken cancellationToken = default) =>
        BaileysMessageKey.From(await CallAsync("sendContent", new { to, content, quotedId }, cancellationToken));

    /// <summary>Posts any Baileys content as a status (to <c>status@broadcast</c>) shown to <paramref name="statusJidList"/> (user jids).</summary>
    public async Task<BaileysMessageKey> SendStatusAsync(object content, IReadOnlyList<string> statusJidList, CancellationToken cancellationToken = default) =>
        BaileysMessageKey.From(await CallAsync("sendContent", new { to = "status@broadcast", content, statusJidList }, cancellationToken));

    /// <summary>Downloads and decrypts the media of a message this client received.</summary>
    public async Task<byte[]> DownloadMediaAsync(string messageId, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("downloadMedia", new { id = messageId }, cancellationToken);
        return Convert.FromBase64String(BaileysEvent.Str(result, "base64") ?? throw Failure("downloadMedia answered without bytes."));
    }

    /// <summary>Baileys' updateMediaMessage (media retry) for a received media message; returns the file's new direct path.</summary>
    public async Task<string?> UpdateMediaAsync(string messageId, CancellationToken cancellationToken = default) =>
        BaileysEvent.Str(await CallAsync("updateMedia", new { id = messageId }, cancellationToken), "directPath");

    /// <summary>Sends read receipts for the given received messages.</summary>
    public Task ReadMessagesAsync(IEnumerable<BaileysMessageKey> keys, CancellationToken cancellationToken = default) =>
        CallAsync("readMessages", new { keys = keys.Select(key => key.Raw).ToArray() }, cancellationToken);

    /// <summary>Creates a group; returns Baileys' metadata summary (<c>id</c>, <c>subject</c>, <c>owner</c>, <c>participants</c>).</summary>
    public Task<JsonElement> GroupCreateAsync(string subject, IReadOnlyList<string> participants, CancellationToken cancellationToken = default) =>
        CallAsync("groupCreate", new { subject, participants }, cancellationToken);

    /// <summary>Queries a group's metadata; same summary as <see cref="GroupCreateAsync"/>.</summary>
    public Task<JsonElement> GroupMetadataAsync(string jid, CancellationToken cancellationToken = default) =>
        CallAsync("groupMetadata", new { jid }, cancellationToken);

    /// <summary>
    /// Deletes this client's Signal session(s) with <paramref name="jid"/>, so the next message from that
    /// contact cannot be decrypted and Baileys must send a retry receipt: the JID's own address and its
    /// mapped LID's; for a JID without a device (<c>user@s.whatsapp.net</c>) every device's session of that
    /// user. Returns the session ids (libsignal addresses such as <c>15550001111.1</c>) that existed and are gone.
    /// </summary>
    public async Task<IReadOnlyList<string>> DropSessionAsync(string jid, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("dropSession", new { jid }, cancellationToken);
        return [.. BaileysEvent.Property(result, "deleted").EnumerateArray().Select(id => id.GetString() ?? "")];
    }

    /// <summary>Whether this client holds an open Signal session with <paramref name="jid"/>.</summary>
    public async Task<bool> HasSessionAsync(string jid, CancellationToken cancellationToken = default) =>
        BaileysEvent.Bool(await CallAsync("hasSession", new { jid }, cancellationToken), "exists") == true;

    /// <summary>
    /// Every Signal session id this client stores and the LID mapping it has stored for <paramref name="pn"/>, read from
    /// its key store without asking the server (docs/SIMULATOR.md "LID addressing").
    /// </summary>
    public async Task<BaileysLidState> LidAddressingAsync(string pn, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("lidAddressing", new { pn }, cancellationToken);
        return new BaileysLidState(
            [.. BaileysEvent.Property(result, "sessions").EnumerateArray().Select(id => id.GetString() ?? "")],
            BaileysEvent.Str(result, "lidForPn"),
            BaileysEvent.Str(result, "pnForLid"));
    }

    /// <summary>
    /// Votes for <paramref name="options"/> on a poll this client received, sealed with Baileys' own exported helpers
    /// (Baileys 7's sendMessage has no vote content); <paramref name="tamper"/> flips a byte of the sealed payload.
    /// </summary>
    public async Task<BaileysMessageKey> PollVoteAsync(string to, string pollId, IReadOnlyList<string> options, bool tamper = false, CancellationToken cancellationToken = default) =>
        BaileysMessageKey.From(await CallAsync("pollVote", new { to, pollId, options, tamper }, cancellationToken));

    /// <summary>The option names of a vote this client received on a poll it sent, as Baileys' own decryptPollVote reads them.</summary>
    public async Task<IReadOnlyList<string>> DecryptPollVoteAsync(string voteId, string pollId, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("decryptPollVote", new { voteId, pollId }, cancellationToken);
        return [.. BaileysEvent.Property(result, "options").EnumerateArray().Select(o => o.GetString() ?? "")];
    }

    /// <summary>
    /// <c>sock.chatModify(mod, jid)</c>: Baileys writes an app-state patch (e.g. <c>new { archive = true, lastMessages = [] }</c>).
    /// Its <c>chats.update</c> events arrive as <see cref="BaileysOtherEvent"/>s named <c>chats</c> (payload in <c>Data.data</c>).
    /// </summary>
    public Task ChatModifyAsync(object mod, string jid, CancellationToken cancellationToken = default) =>
        CallAsync("chatModify", new { mod, jid }, cancellationToken);

    /// <summary>
    /// <c>sock.sendPresenceUpdate(type, to)</c>: <c>available</c> or <c>unavailable</c> for the account (<paramref name="to"/> null),
    /// or <c>composing</c>, <c>recording</c> (Baileys sends <c>&lt;composing media="audio"/&gt;</c>) or <c>paused</c> shown in chat <paramref name="to"/>.
    /// </summary>
    public Task SendPresenceUpdateAsync(string type, string? to = null, CancellationToken cancellationToken = default) =>
        CallAsync("sendPresenceUpdate", new { type, to }, cancellationToken);

    /// <summary>Logs out (remove-companion-device) and waits for the close; the auth folder is then useless.</summary>
    public Task LogoutAsync(CancellationToken cancellationToken = default) => CallAsync("logout", null, cancellationToken);

    /// <summary>Closes the socket without logging out and waits for the close; <see cref="ReconnectAsync"/> logs in again.</summary>
    public Task EndAsync(CancellationToken cancellationToken = default) => CallAsync("end", null, cancellationToken);

    /// <summary>The driver's view: <c>generation</c>, <c>connection</c>, <c>restarts</c>, <c>registered</c>, <c>me</c>, <c>lid</c>, <c>lastDisconnect</c>, <c>qrCount</c>.</summary>
    public Task<JsonElement> StateAsync(CancellationToken cancellationToken = default) => CallAsync("state", null, cancellationToken);

    /// <summary>Stops the driver process (the socket dies with it; no logout).</summary>
    public async ValueTask DisposeAsync()
    {
        await _peer.DisposeAsync();
        await _pump;
    }

    private async Task<JsonElement> CallAsync(string op, object? args, CancellationToken cancellationToken)
    {
        try
        {
            return await _peer.CallAsync(op, args, cancellationToken);
        }
        catch (NodePeerException e)
        {
            throw Failure($"The driver call '{op}' failed: {e.Message.Split('\n', 2)[0]}", e);
        }
    }

    private static string? FailOnFinalClose(BaileysEvent e) =>
        e is BaileysConnectionUpdate { IsClose: true } close && close.StatusCode != RestartRequired
            ? $"the connection closed with status {Status(close)} ({close.Error})"
            : null;

    private static string Status(BaileysConnectionUpdate close) => close.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";

    private BaileysClientException Failure(string message, Exception? inner = null)
    {
        List<BaileysEvent> recent;
        lock (_gate)
        {
            recent = _history.GetRange(Math.Max(0, _history.Count - RecentEventsShown), Math.Min(RecentEventsShown, _history.Count));
        }

        return new BaileysClientException(message, recent, _peer.StderrTail, inner);
    }

    private async Task PumpAsync()
    {
        string reason = "the driver process exited";
        try
        {
            await foreach (var raw in _peer.Events.ReadAllAsync())
            {
                lock (_gate)
                {
                    _history.Add(BaileysEvent.From(_history.Count, raw));
                    SignalLocked();
                }
            }
        }
        catch (NodePeerException e)
        {
            reason = e.Message.Split('\n', 2)[0];
        }

        lock (_gate)
        {
            _ended = reason;
            SignalLocked();
        }
    }

    private void SignalLocked()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.SetResult();
    }
}
