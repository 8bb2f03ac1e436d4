using System.Buffers;
using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace SessionCluster.Interop.Tests.Infrastructure;

/// <summary>
/// A Node.js peer process (a script in tests/Interop) driven over JSON lines, so C# tests can
/// check our protocol code against an independent implementation (Baileys, libsignal).
/// </summary>
/// <remarks>
/// The wire is one JSON object per line (see tests/Interop/peer-protocol.mjs): requests
/// <c>{"id","op","args"}</c> on stdin; on stdout responses <c>{"id","ok","result"|"error"}</c>, matched
/// by id so calls may overlap, and unprompted events <c>{"event","data"}</c>, which are queued on
/// <see cref="Events"/>. stderr is collected for diagnostics. Lines of many megabytes are fine.
/// Disposing closes stdin, lets the peer finish, and kills the process tree if it lingers.
/// </remarks>
public sealed class NodePeer : IAsyncDisposable
{
    // Corpus nodes nest, and each nesting level costs three JSON levels.
    private const int MaxJsonDepth = 1024;
    private const string ReadyEvent = "ready";

    private static readonly JsonSerializerOptions ArgumentJson = new() { MaxDepth = MaxJsonDepth };
    private static readonly JsonSerializerOptions ReplyJson = new() { MaxDepth = MaxJsonDepth };

    private readonly Process _process;
    private readonly NodePeerOptions _options;
    private readonly ConcurrentDictionary<long, PendingCall> _pending = new();
    private readonly Channel<NodePeerEvent> _events = Channel.CreateUnbounded<NodePeerEvent>(
        new UnboundedChannelOptions { SingleWriter = true });
    private readonly TaskCompletionSource<JsonElement> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Queue<string> _stderrLines = new();
    private readonly Stream _stdin;
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private long _nextId;
    private int _disposed;
    private volatile string? _terminated;

    private NodePeer(string script, Process process, NodePeerOptions options)
    {
        Script = script;
        _process = process;
        _options = options;
        _stdin = process.StandardInput.BaseStream;
        _stdoutPump = Task.Run(PumpStdoutAsync);
        _stderrPump = Task.Run(PumpStderrAsync);
    }

    /// <summary>The script file name, e.g. <c>binary-peer.mjs</c>.</summary>
    public string Script { get; }

    /// <summary>The operating-system id of the node process.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The operations the peer announced in its <c>ready</c> event.</summary>
    public IReadOnlyList<string> Operations { get; private set; } = [];

    /// <summary>
    /// Events the peer emitted unprompted, in arrival order. Completes when the peer's stdout
    /// ends: normally after disposal, with a <see cref="NodePeerException"/> if the peer died first.
    /// </summary>
    public ChannelReader<NodePeerEvent> Events => _events.Reader;

    /// <summary>The most recent stderr lines (up to <see cref="NodePeerOptions.StderrLinesKept"/>), oldest first.</summary>
    public string StderrTail
    {
        get
        {
            lock (_stderrLines)
            {
                return string.Join(Environment.NewLine, _stderrLines);
            }
        }
    }

    /// <summary>
    /// Installs the npm peers if needed (<see cref="NpmPeers"/>), starts <c>node script</c> in
    /// tests/Interop and waits until the script reports it is ready.
    /// </summary>
    /// <param name="script">A file in tests/Interop, e.g. <c>binary-peer.mjs</c>.</param>
    /// <exception cref="InteropSetupException">Node.js, npm or the packages are missing.</exception>
    /// <exception cref="NodePeerException">The script failed to load or did not get ready in time.</exception>
    public static async Task<NodePeer> StartAsync(string script, NodePeerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= NodePeerOptions.Default;
        await NpmPeers.EnsureInstalledAsync(cancellationToken);

        var scriptPath = Path.Combine(RepositoryPaths.InteropFolder, script);
        if (!File.Exists(scriptPath))
        {
            throw new FileNotFoundException($"The peer script {scriptPath} does not exist.", scriptPath);
        }

        var startInfo = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryPaths.InteropFolder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            StandardOutputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            StandardErrorEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in options.NodeArguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.ArgumentList.Add(scriptPath);
        foreach (var (name, value) in options.Environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException("Process.Start returned null.");
        }
        catch (Win32Exception e)
        {
            throw new InteropSetupException(
                $"`node` could not be started for {script}: {e.Message}. Install Node.js >= {NpmPeers.MinimumNodeMajorVersion} and put it on PATH.", e);
        }

        var peer = new NodePeer(script, process, options);
        try
        {
            var ready = await peer._ready.Task.WaitAsync(options.StartTimeout, cancellationToken);
            peer.Operations = ready.TryGetProperty("ops", out var ops) && ops.ValueKind == JsonValueKind.Array
                ? [.. ops.EnumerateArray().Select(op => op.GetString() ?? "")]
                : [];
            return peer;
        }
        catch (TimeoutException)
        {
            await peer.DisposeAsync();
            throw new NodePeerException(script, null, $"did not report ready within {options.StartTimeout.TotalSeconds:0} s.", null, peer.StderrTail);
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    /// <summary>Calls <paramref name="op"/> with the default timeout (<see cref="NodePeerOptions.CallTimeout"/>).</summary>
    /// <returns>The <c>result</c> value, detached from any document.</returns>
    /// <exception cref="NodePeerException">The peer answered <c>ok:false</c>, timed out, or exited.</exception>
    public Task<JsonElement> CallAsync(string op, object? args, CancellationToken cancellationToken = default) =>
        CallAsync(op, args, _options.CallTimeout, cancellationToken);

    /// <summary>
    /// Sends <c>{"id","op","args"}</c> (args serialized with System.Text.Json by runtime type; a
    /// <see cref="JsonElement"/> or <c>JsonNode</c> is sent as is) and awaits the matching answer.
    /// </summary>
    /// <exception cref="NodePeerException">The peer answered <c>ok:false</c>, timed out, or exited.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<JsonElement> CallAsync(string op, object? args, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(op);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var id = Interlocked.Increment(ref _nextId);
        var call = new PendingCall(op);
        _pending[id] = call;
        try
        {
            // Checked after registering: either this sees the exit, or the exit handler sees this call.
            if (_terminated is { } terminated)
            {
                throw new NodePeerException(Script, op, "the peer is no longer running: " + terminated, null, StderrTail);
            }

            var line = SerializeRequest(id, op, args);
            await WriteLineAsync(op, line, cancellationToken);
            return await call.Completion.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new NodePeerException(Script, op, $"no answer within {timeout.TotalSeconds:0.#} s.", null, StderrTail);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Closes stdin, waits up to <see cref="NodePeerOptions.ExitTimeout"/> and then kills the process tree.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // A write stuck on a full pipe must not block disposal; the kill below unblocks it.
        if (await _writeLock.WaitAsync(_options.ExitTimeout))
        {
            try
            {
                _stdin.Dispose();
            }
            catch (IOException)
            {
                // The peer is already gone.
            }
            finally
            {
                _writeLock.Release();
            }
        }

        using (var deadline = new CancellationTokenSource(_options.ExitTimeout))
        {
            try
            {
                await _process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                KillTree();
            }
        }

        await _process.WaitForExitAsync(CancellationToken.None);
        await Task.WhenAll(_stdoutPump, _stderrPump);
        FailPending("the peer was disposed while the call was pending.");
        _process.Dispose();
    }

    private byte[] SerializeRequest(long id, string op, object? args)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = MaxJsonDepth, SkipValidation = false }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", id);
            writer.WriteString("op", op);
            writer.WritePropertyName("args");
            JsonSerializer.Serialize(writer, args, args?.GetType() ?? typeof(object), ArgumentJson);
            writer.WriteEndObject();
        }

        var line = new byte[buffer.WrittenCount + 1];
        buffer.WrittenSpan.CopyTo(line);
        line[^1] = (byte)'\n';
        return line;
    }

    private async Task WriteLineAsync(string op, byte[] line, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _stdin.WriteAsync(line, cancellationToken);
            await _stdin.FlushAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            throw new NodePeerException(Script, op, $"could not send the request: {e.Message}", null, StderrTail);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task PumpStdoutAsync()
    {
        var reader = _process.StandardOutput;
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                if (!string.IsNullOrWhiteSpace(line))
                {
                    Dispatch(line);
                }
            }
        }
        catch (IOException)
        {
            // The pipe broke; treated as the end of output below.
        }

        var exitCode = await ExitCodeAsync();
        var unexpected = Volatile.Read(ref _disposed) == 0;
        var summary = unexpected ? $"the peer exited unexpectedly (exit code {exitCode})." : $"the peer exited (exit code {exitCode}).";
        _terminated = summary;
        var ended = new NodePeerException(Script, null, summary, null, StderrTail);
        _ready.TrySetException(ended);
        FailPending(summary);
        _events.Writer.TryComplete(unexpected ? ended : null);
    }

    private void Dispatch(string line)
    {
        JsonElement message;
        try
        {
            message = JsonSerializer.Deserialize<JsonElement>(line, ReplyJson);
        }
        catch (JsonException e)
        {
            RecordDiagnostic($"[NodePeer] unparsable stdout line ({line.Length} chars): {e.Message}: {Shorten(line)}");
            return;
        }

        if (message.ValueKind != JsonValueKind.Object)
        {
            RecordDiagnostic($"[NodePeer] stdout line that is not an object: {Shorten(line)}");
            return;
        }

        if (message.TryGetProperty("id", out var idElement) && idElement.TryGetInt64(out var id))
        {
            if (!_pending.TryGetValue(id, out var call))
            {
                RecordDiagnostic($"[NodePeer] answer for unknown or abandoned call id {id}.");
                return;
            }

            var ok = message.TryGetProperty("ok", out var okElement) && okElement.ValueKind == JsonValueKind.True;
            if (ok)
            {
                call.Completion.TrySetResult(message.TryGetProperty("result", out var result) ? result : default);
            }
            else
            {
                var error = message.TryGetProperty("error", out var errorElement) && errorElement.ValueKind == JsonValueKind.String
                    ? errorElement.GetString() ?? ""
                    : errorElement.ToString();
                var firstLine = error.Split('\n', 2)[0];
                call.Completion.TrySetException(
                    new NodePeerException(Script, call.Op, $"the peer reported an error: {firstLine}", error, StderrTail));
            }

            return;
        }

        if (message.TryGetProperty("event", out var nameElement) && nameElement.ValueKind == JsonValueKind.String)
        {
            var name = nameElement.GetString()!;
            var data = message.TryGetProperty("data", out var dataElement) ? dataElement : default;
            if (name == ReadyEvent && !_ready.Task.IsCompleted)
            {
                _ready.TrySetResult(data);
            }
            else
            {
                _events.Writer.TryWrite(new NodePeerEvent(name, data));
            }

            return;
        }

        RecordDiagnostic($"[NodePeer] stdout line that is neither an answer nor an event: {Shorten(line)}");
    }

    private async Task PumpStderrAsync()
    {
        var reader = _process.StandardError;
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                RecordDiagnostic(line);
                _options.StderrLine?.Invoke(line);
            }
        }
        catch (IOException)
        {
            // The pipe broke with the process.
        }
    }

    private void RecordDiagnostic(string line)
    {
        lock (_stderrLines)
        {
            _stderrLines.Enqueue(line);
            while (_stderrLines.Count > Math.Max(1, _options.StderrLinesKept))
            {
                _stderrLines.Dequeue();
            }
        }
    }

    private async Task<string> ExitCodeAsync()
    {
        // stdout closes a moment before the exit is observable.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            return _process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (OperationCanceledException)
        {
            return "unknown: stdout closed but the process is still running";
        }
    }

    private void FailPending(string summary)
    {
        var stderr = StderrTail;
        foreach (var (_, call) in _pending)
        {
            call.Completion.TrySetException(new NodePeerException(Script, call.Op, summary, null, stderr));
        }
    }

    private void KillTree()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited in the meantime.
        }
    }

    private static string Shorten(string line) => line.Length <= 300 ? line : line[..300] + "…";

    private sealed class PendingCall(string op)
    {
        public string Op { get; } = op;

        public TaskCompletionSource<JsonElement> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
