using System.Security.Cryptography;
using SessionCluster.Sessions.State;

namespace SessionCluster.Host.Composition;

/// <summary>
/// The node's secrets keys, resolved at start (<see cref="SecretsComposition"/>): the current key, which every new seal
/// uses, and the previous ones, which only open (rotation); and the node's one count of what is still sealed under a
/// previous key (<see cref="StaleSeals"/>, read by <c>GET /v1/admin/secrets</c>).
/// </summary>
internal sealed record NodeSecrets(SecretKey Current, IReadOnlyList<SecretKey> Previous, StaleSeals Stale)
{
    /// <summary>A box that seals under the current key and opens under any of them; each caller its own (a box holds its random source).</summary>
    public SecretBox NewBox() => new(Current, Previous, RandomNumberGenerator.Create());
}
