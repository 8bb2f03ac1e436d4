using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace SessionCluster.Simulator.Media;

/// <summary>An uploaded blob (<c>enc || mac</c>, docs/PROTOCOL.md §12) as stored: bytes, the mms type it came as, when.</summary>
internal sealed record MediaBlob(string DirectPath, string MmsType, byte[] Content, DateTimeOffset UploadedAt);

/// <summary>
/// The media the simulator holds, in memory: encrypted blobs by direct path, and the upload auth tokens issued by
/// <c>media_conn</c> (valid for <see cref="AuthTtl"/>). The simulator never sees plaintext: clients encrypt.
/// </summary>
internal sealed class MediaStore(TimeProvider clock)
{
    /// <summary>The <c>auth_ttl</c> of media_conn: how long an upload token is accepted.</summary>
    public static readonly TimeSpan AuthTtl = TimeSpan.FromHours(6);

    /// <summary>The <c>ttl</c> of media_conn: when clients ask again.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _auth = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MediaBlob> _blobs = new(StringComparer.Ordinal);

    public int Count => _blobs.Count;

    /// <summary>A fresh upload token (URL-safe), valid for <see cref="AuthTtl"/>.</summary>
    public string IssueAuth()
    {
        var now = clock.GetUtcNow();
        foreach (var (token, expires) in _auth)
        {
            if (expires <= now)
            {
                _auth.TryRemove(token, out _);
            }
        }

        var auth = Base64Url(RandomNumberGenerator.GetBytes(32));
        _auth[auth] = now + AuthTtl;
        return auth;
    }

    /// <summary>Withdraws every upload token issued so far, as the server does when it rotates them (clients must ask media_conn again).</summary>
    public void RevokeAuth() => _auth.Clear();

    public bool IsValidAuth(string? auth) => auth is not null && _auth.TryGetValue(auth, out var expires) && expires > clock.GetUtcNow();

    /// <summary>Stores a blob under a new direct path (<c>/v/t62.7118-24/&lt;random&gt;.enc?ccb=11-4&amp;oh=…</c>, the real shape).</summary>
    public MediaBlob Add(string mmsType, byte[] content)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var directPath = $"/v/t62.7118-24/{id}.enc?ccb=11-4&oh={Base64Url(SHA256.HashData(content).AsSpan(0, 12))}&oe={clock.GetUtcNow().AddDays(30).ToUnixTimeSeconds():X}";
        var blob = new MediaBlob(directPath, mmsType, content, clock.GetUtcNow());
        _blobs[PathKey(directPath)] = blob;
        return blob;
    }

    /// <summary>Every blob held, oldest upload first (the admin API lists them so a test can drop one it did not upload itself).</summary>
    public IReadOnlyList<MediaBlob> All() => [.. _blobs.Values.OrderBy(b => b.UploadedAt)];

    /// <summary>The blob at <paramref name="path"/> (a direct path; its query, if any, is ignored).</summary>
    public MediaBlob? Find(string path) => _blobs.GetValueOrDefault(PathKey(path));

    /// <summary>Flips one byte of the blob at <paramref name="directPath"/>, as a corrupting host or a man in the middle would; false when there is none.</summary>
    public bool Tamper(string directPath)
    {
        if (!_blobs.TryGetValue(PathKey(directPath), out var blob))
        {
            return false;
        }

        var content = (byte[])blob.Content.Clone();
        content[content.Length / 2] ^= 0x01;
        _blobs[PathKey(directPath)] = blob with { Content = content };
        return true;
    }

    /// <summary>Forgets the blob at <paramref name="directPath"/>, as the real hosts do after some weeks (downloads then get 404); false when there is none.</summary>
    public bool Drop(string directPath) => _blobs.TryRemove(PathKey(directPath), out _);

    public static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string PathKey(string path)
    {
        var query = path.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? path : path[..query];
    }
}
