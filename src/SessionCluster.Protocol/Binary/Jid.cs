using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace SessionCluster.Protocol.Binary;

/// <summary>
/// A WhatsApp address. The string form follows Baileys so that strings round-trip with it:
/// <c>[user[_agent][:device]]@server</c>, and <c>integrator-user:device@interop</c> for interop users.
/// The device is omitted when 0 and the agent when 0 (as both clients do), except that interop JIDs always
/// carry their device, because that is how Baileys prints a decoded INTEROP_JID.
/// </summary>
/// <remarks>
/// Every constructed value satisfies <c>Jid.Parse(jid.ToString()) == jid</c>. An empty user is allowed
/// (<c>@s.whatsapp.net</c> is the server's own address). <c>default(Jid)</c> has an empty server and prints as "".
/// </remarks>
[SkipLocalsInit]
public readonly record struct Jid
{
    private readonly string? _user;
    private readonly string? _server;

    /// <summary>Creates a JID, checking that its string form parses back to the same value.</summary>
    /// <exception cref="ArgumentException">The server is unknown or the parts cannot be written in the grammar.</exception>
    public Jid(string user, string server, ushort device = 0, byte agent = 0, ushort integrator = 0)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(server);
        var canonical = JidServer.Canonical(server)
            ?? throw new ArgumentException($"Unknown JID server '{server}'.", nameof(server));
        if (user.AsSpan().IndexOfAny('@', ':', '_') >= 0)
        {
            throw new ArgumentException("A JID user may not contain '@', ':' or '_'.", nameof(user));
        }

        if (ReferenceEquals(canonical, JidServer.Interop))
        {
            if (user.Length == 0 || agent != 0)
            {
                throw new ArgumentException("An interop JID needs a user and has no agent.", nameof(user));
            }
        }
        else
        {
            if (integrator != 0)
            {
                throw new ArgumentException("Only interop JIDs have an integrator.", nameof(integrator));
            }

            if (user.Length == 0 && (device != 0 || agent != 0))
            {
                throw new ArgumentException("A JID without a user has no agent or device.", nameof(user));
            }
        }

        _user = user;
        _server = canonical;
        Device = device;
        Agent = agent;
        Integrator = integrator;
    }

    /// <summary>The user part: a phone number, LID, group id, "status", ... Empty for a server address.</summary>
    public string User => _user ?? string.Empty;

    /// <summary>The AD_JID agent (domain type) byte; 0 normally.</summary>
    public byte Agent { get; }

    /// <summary>The device number; 0 is the primary device.</summary>
    public ushort Device { get; }

    /// <summary>One of the <see cref="JidServer"/> constants; empty only for <c>default(Jid)</c>.</summary>
    public string Server => _server ?? string.Empty;

    /// <summary>The integrator of an interop JID; 0 otherwise.</summary>
    public ushort Integrator { get; }

    /// <summary>True for <c>default(Jid)</c>, which has no server.</summary>
    public bool IsEmpty => _server is null;

    /// <summary>A group (<c>@g.us</c>).</summary>
    public bool IsGroup => ReferenceEquals(_server, JidServer.Group);

    /// <summary>A hidden user id (<c>@lid</c>).</summary>
    public bool IsLid => ReferenceEquals(_server, JidServer.Lid);

    /// <summary>A phone-number user (<c>@s.whatsapp.net</c>) with a user part.</summary>
    public bool IsPhoneNumber => ReferenceEquals(_server, JidServer.WhatsApp) && User.Length > 0;

    /// <summary>A hosted user (<c>@hosted</c> or <c>@hosted.lid</c>).</summary>
    public bool IsHosted => ReferenceEquals(_server, JidServer.Hosted) || ReferenceEquals(_server, JidServer.HostedLid);

    /// <summary>A broadcast list or the status broadcast.</summary>
    public bool IsBroadcast => ReferenceEquals(_server, JidServer.Broadcast);

    /// <summary>A newsletter (channel).</summary>
    public bool IsNewsletter => ReferenceEquals(_server, JidServer.Newsletter);

    /// <summary>The same user without device and agent: the account rather than one of its devices.</summary>
    public Jid ToNonAd() => ReferenceEquals(_server, JidServer.Interop)
        ? new Jid(User, Server, 0, 0, Integrator)
        : new Jid(User, Server);

    /// <summary>Parses the strict grammar described on <see cref="Jid"/>.</summary>
    /// <exception cref="JidFormatException">The string is not a JID with a known server.</exception>
    public static Jid Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var error = JidSyntax.TryParse(s, out var parts);
        if (error is not null)
        {
            throw new JidFormatException($"'{Shorten(s)}' is not a JID: {error}.");
        }

        return FromParts(parts);
    }

    /// <summary>Parses like <see cref="Parse(string)"/> but reports failure instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out Jid jid)
    {
        if (s is null || JidSyntax.TryParse(s, out var parts) is not null)
        {
            jid = default;
            return false;
        }

        jid = FromParts(parts);
        return true;
    }

    /// <summary>Baileys' string form; see <see cref="Jid"/>.</summary>
    public override string ToString()
    {
        if (_server is null)
        {
            return string.Empty;
        }

        var text = new DefaultInterpolatedStringHandler(0, 4, CultureInfo.InvariantCulture, stackalloc char[64]);
        if (ReferenceEquals(_server, JidServer.Interop))
        {
            text.AppendFormatted(Integrator);
            text.AppendLiteral("-");
            text.AppendFormatted(User);
            text.AppendLiteral(":");
            text.AppendFormatted(Device);
        }
        else
        {
            text.AppendFormatted(User);
            if (Agent != 0)
            {
                text.AppendLiteral("_");
                text.AppendFormatted(Agent);
            }

            if (Device != 0)
            {
                text.AppendLiteral(":");
                text.AppendFormatted(Device);
            }
        }

        text.AppendLiteral("@");
        text.AppendFormatted(_server);
        return text.ToStringAndClear();
    }

    private static Jid FromParts(in JidParts parts) =>
        new(parts.User.IsEmpty ? string.Empty : parts.User.ToString(), parts.Server, parts.Device, parts.Agent, parts.Integrator);

    private static string Shorten(string s) => s.Length <= 64 ? s : string.Concat(s.AsSpan(0, 64), "…");
}
