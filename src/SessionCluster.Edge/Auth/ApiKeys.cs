using System.Collections.Concurrent;
using System.Security.Cryptography;
using SessionCluster.Edge.Tenants;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Edge.Auth;

/// <summary>
/// Tenants' API keys: <c>sck_&lt;id&gt;_&lt;secret&gt;</c>, the id (12 hex) to find the row, the secret 32 random bytes
/// (base64url). Stored only as an Argon2id hash of the whole key (<see cref="PasswordHash"/>), shown once at creation.
/// A key checked once is remembered by its SHA-256 for <see cref="Remember"/>, so the KDF's cost (tens of ms, by
/// design) is paid per key and not per request; a wrong key is remembered as wrong as long, so guessing costs the
/// node one KDF per distinct guess and no more. Revoking on this node forgets it at once; other nodes of a cluster
/// within <see cref="Remember"/>.
/// </summary>
public sealed class ApiKeys(TenantStore store, TimeProvider clock, Func<string, string>? hash = null)
{
    public const string Prefix = "sck_";

    /// <summary>How long a checked key's answer is kept: revocation reaches other nodes within this.</summary>
    public static readonly TimeSpan Remember = TimeSpan.FromSeconds(60);

    /// <summary>Bounds the memory of remembered answers (a flood of distinct wrong keys).</summary>
    private const int MaxRemembered = 100_000;

    private readonly Func<string, string> _hash = hash ?? PasswordHash.Hash;
    private readonly ConcurrentDictionary<string, (StoredApiKey? Key, DateTimeOffset Until)> _checked = new(StringComparer.Ordinal);

    /// <summary>A new key for the tenant: stored hashed; the returned plaintext is the only copy.</summary>
    public async Task<(StoredApiKey Stored, string Plaintext)> CreateAsync(string tenantId, string name, CancellationToken cancellationToken)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var plaintext = Prefix + id + "_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        var stored = new StoredApiKey(id, tenantId, name, _hash(plaintext), clock.GetUtcNow(), null);
        await store.AddKeyAsync(stored, cancellationToken).ConfigureAwait(false);
        return (stored, plaintext);
    }

    /// <summary>The live key <paramref name="presented"/> is, or null (malformed, unknown, revoked, or wrong secret).</summary>
    public async Task<StoredApiKey?> CheckAsync(string presented, CancellationToken cancellationToken)
    {
        if (!TryParseId(presented, out var id))
        {
            return null;
        }

        var digest = Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(presented)));
        var now = clock.GetUtcNow();
        if (_checked.TryGetValue(digest, out var known) && known.Until > now)
        {
            return known.Key;
        }

        var row = await store.FindKeyAsync(id, cancellationToken).ConfigureAwait(false);
        var valid = row is { RevokedAt: null } && PasswordHash.Verify(row.Hash, presented) ? row : null;
        if (_checked.Count >= MaxRemembered)
        {
            _checked.Clear();
        }

        _checked[digest] = (valid, now + Remember);
        return valid;
    }

    /// <summary>Forgets what this node remembered of the key (after a revocation).</summary>
    public void Forget(string keyId)
    {
        foreach (var (digest, answer) in _checked)
        {
            if (answer.Key?.Id == keyId)
            {
                _checked.TryRemove(digest, out _);
            }
        }
    }

    public static bool LooksLikeApiKey(string presented) => presented.StartsWith(Prefix, StringComparison.Ordinal);

    private static bool TryParseId(string presented, out string id)
    {
        id = "";
        if (!LooksLikeApiKey(presented) || presented.Length > 100)
        {
            return false;
        }

        var end = presented.IndexOf('_', Prefix.Length);
        if (end != Prefix.Length + 12)
        {
            return false;
        }

        id = presented[Prefix.Length..end];
        return id.All(char.IsAsciiHexDigitLower);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
