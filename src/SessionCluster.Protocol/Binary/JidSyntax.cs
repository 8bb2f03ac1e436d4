namespace SessionCluster.Protocol.Binary;

/// <summary>The pieces of a JID string, as slices of the input so the encoder can use them without allocating.</summary>
internal ref struct JidParts
{
    public ReadOnlySpan<char> User;
    public string Server;
    public byte Agent;
    public ushort Device;

    /// <summary>True when the string spelled a <c>:device</c> part, even <c>:0</c>; Baileys writes AD_JID then.</summary>
    public bool HasDevice;

    public ushort Integrator;
}

/// <summary>
/// The strict JID grammar shared by <see cref="Jid.Parse(string)"/> and the encoder's "is this string a JID" test:
/// <c>[user[_agent][:device]]@server</c>, or <c>integrator-user:device@interop</c>. The user may not contain
/// '@', ':' or '_'; numbers are plain decimal without sign or leading zeros; the agent is 1..255 (0 is spelled
/// by leaving it out); device and integrator are 0..65535; the server must be one of <see cref="JidServer"/>.
/// Being strict here is what lets the encoder promise that a string it writes in JID form decodes to itself.
/// </summary>
internal static class JidSyntax
{
    /// <summary>Returns null on success, otherwise a short reason for <see cref="JidFormatException"/>.</summary>
    public static string? TryParse(ReadOnlySpan<char> s, out JidParts parts)
    {
        parts = default;
        var at = s.IndexOf('@');
        if (at < 0)
        {
            return "missing '@'";
        }

        var serverSpan = s[(at + 1)..];
        if (serverSpan.IsEmpty)
        {
            return "empty server";
        }

        var server = JidServer.Canonical(serverSpan);
        if (server is null)
        {
            return "unknown server";
        }

        parts.Server = server;
        var local = s[..at];
        return ReferenceEquals(server, JidServer.Interop)
            ? ParseInteropLocal(local, ref parts)
            : ParseLocal(local, ref parts);
    }

    private static string? ParseLocal(ReadOnlySpan<char> local, ref JidParts parts)
    {
        var colon = local.IndexOf(':');
        if (colon >= 0)
        {
            if (!TryParseNumber(local[(colon + 1)..], ushort.MaxValue, out var device))
            {
                return "device is not a decimal number in 0..65535";
            }

            parts.Device = (ushort)device;
            parts.HasDevice = true;
            local = local[..colon];
        }

        var underscore = local.IndexOf('_');
        if (underscore >= 0)
        {
            if (!TryParseNumber(local[(underscore + 1)..], byte.MaxValue, out var agent) || agent == 0)
            {
                return "agent is not a decimal number in 1..255";
            }

            parts.Agent = (byte)agent;
            local = local[..underscore];
        }

        if (local.IsEmpty && (parts.HasDevice || parts.Agent != 0))
        {
            return "agent or device without a user";
        }

        parts.User = local;
        return null;
    }

    private static string? ParseInteropLocal(ReadOnlySpan<char> local, ref JidParts parts)
    {
        var dash = local.IndexOf('-');
        var colon = local.IndexOf(':');
        if (dash < 0 || colon < dash)
        {
            return "interop JID is not integrator-user:device";
        }

        if (!TryParseNumber(local[..dash], ushort.MaxValue, out var integrator))
        {
            return "integrator is not a decimal number in 0..65535";
        }

        if (!TryParseNumber(local[(colon + 1)..], ushort.MaxValue, out var device))
        {
            return "device is not a decimal number in 0..65535";
        }

        var user = local[(dash + 1)..colon];
        if (user.IsEmpty || user.IndexOfAny('_', ':') >= 0)
        {
            return "interop user is empty or contains '_'";
        }

        parts.User = user;
        parts.Device = (ushort)device;
        parts.HasDevice = true;
        parts.Integrator = (ushort)integrator;
        return null;
    }

    /// <summary>Plain decimal: at least one digit, no sign, no leading zero unless the number is 0.</summary>
    internal static bool TryParseNumber(ReadOnlySpan<char> digits, int max, out int value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 5 || (digits.Length > 1 && digits[0] == '0'))
        {
            return false;
        }

        foreach (var c in digits)
        {
            var d = c - '0';
            if ((uint)d > 9)
            {
                return false;
            }

            value = (value * 10) + d;
        }

        return value <= max;
    }
}
