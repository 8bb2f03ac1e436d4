using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace SessionCluster.Edge.Chats;

/// <summary>
/// Page cursors as clients see them: opaque base64url of <c>at:key</c> (a time in Unix ms and the message id or chat
/// jid). Opaque so that clients pass them back as given; a row's position, not an offset, so that rows inserted or
/// deleted meanwhile never shift a page (the next page starts right after the last row read).
/// </summary>
internal static class StoreCursors
{
    public static string Encode(long at, string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(at.ToString(CultureInfo.InvariantCulture) + ":" + key));

    public static string Of(StoredMessage m) => Encode(m.At.ToUnixTimeMilliseconds(), m.Id);

    public static string Of(StoredChat c) => Encode(c.LastAt.ToUnixTimeMilliseconds(), c.Jid);

    /// <summary>The cursor, or null when <paramref name="text"/> is not one this API gave.</summary>
    public static StoreCursor? Decode(string text)
    {
        if (text.Length is 0 or > 400 || !Base64Url.IsValid(text))
        {
            return null;
        }

        var decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text));
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && colon < decoded.Length - 1
            && long.TryParse(decoded.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var at)
            ? new StoreCursor(at, decoded[(colon + 1)..])
            : null;
    }
}
