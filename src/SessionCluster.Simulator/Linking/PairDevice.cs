using System.Security.Cryptography;
using System.Text;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Connections;

namespace SessionCluster.Simulator.Linking;

/// <summary>
/// The QR refs a registering companion gets (docs/PROTOCOL.md §6): one <c>&lt;iq type="set"&gt;&lt;pair-device&gt;</c> with
/// <see cref="SimulatorOptions.RefsPerPairDevice"/> refs, shown one after the other — the first for
/// <see cref="SimulatorOptions.FirstRefLifetime"/>, each later one for <see cref="SimulatorOptions.NextRefLifetime"/>.
/// The server accepts a scanned ref only inside its own window, so a QR that has already rotated away is refused.
/// </summary>
internal sealed class PairDevice
{
    private readonly string[] _refs;
    private readonly DateTimeOffset _issuedAt;
    private readonly TimeSpan _first;
    private readonly TimeSpan _next;
    private readonly TimeProvider _clock;

    public PairDevice(SimulatorOptions options, TimeProvider clock)
    {
        _clock = clock;
        _issuedAt = clock.GetUtcNow();
        _first = options.FirstRefLifetime;
        _next = options.NextRefLifetime;
        _refs = new string[options.RefsPerPairDevice];
        for (var i = 0; i < _refs.Length; i++)
        {
            _refs[i] = NewRef();
        }
    }

    public IReadOnlyList<string> Refs => _refs;

    /// <summary>When the last ref stops being valid.</summary>
    public DateTimeOffset ExpiresAt => _issuedAt + _first + (_next * (_refs.Length - 1));

    /// <summary><c>&lt;iq from="s.whatsapp.net" type="set" id&gt;&lt;pair-device&gt;&lt;ref&gt;BYTES&lt;/ref&gt;…</c></summary>
    public Node ToIq(string id) => new(
        "iq",
        [("from", ServerStanzas.Server), ("type", "set"), ("id", id)],
        [new Node("pair-device", null, [.. _refs.Select(r => new Node("ref", null, Encoding.UTF8.GetBytes(r)))])]);

    /// <summary>Whether <paramref name="reference"/> is one of these refs and, if so, whether it is showing now.</summary>
    public RefState Check(string reference)
    {
        var index = Array.IndexOf(_refs, reference);
        if (index < 0)
        {
            return RefState.Unknown;
        }

        var opens = index == 0 ? _issuedAt : _issuedAt + _first + (_next * (index - 1));
        var closes = index == 0 ? _issuedAt + _first : opens + _next;
        var now = _clock.GetUtcNow();
        return now < opens ? RefState.NotYetShown : now >= closes ? RefState.Expired : RefState.Current;
    }

    /// <summary>A ref as the real server makes them: "2@" and base64 of random bytes (no commas, QR-safe).</summary>
    private static string NewRef() => "2@" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(60));
}

/// <summary>Where a scanned ref stands against its connection's rotation.</summary>
internal enum RefState
{
    Unknown,
    NotYetShown,
    Current,
    Expired,
}
