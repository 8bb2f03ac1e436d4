using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Simulator.Phone;

/// <summary>
/// The phone's own Signal keys: its identity (the account's identity key, which is also the ADV account key), its
/// registration id, one signed prekey (id 1) and one-time prekeys generated in batches as bundles hand them out.
/// A one-time key stays known (for the <c>pkmsg</c> that names it) until that message consumes it. Thread-safe.
/// </summary>
/// <remarks>
/// The keys are in memory only: <c>accounts.json</c> keeps the identity and registration id, so after a restart with
/// <c>--data</c> the phone keeps its identity but makes a new signed prekey and new one-time prekeys, and
/// companions' sessions with it are rebuilt from new bundles (their old sessions fail and go through retry receipts).
/// The one-time ids come from the account's persisted counter (<see cref="Accounts.Account.ReservePhonePreKeyIds"/>),
/// so the new keys never reuse an id handed out before the restart: each id is handed out at most once.
/// </remarks>
internal sealed class PhoneKeys : IPreKeySource
{
    /// <summary>How many one-time prekeys are generated when none is left to hand out.</summary>
    public const int BatchSize = 50;

    private const uint SignedPreKeyId = 1;

    private readonly Lock _lock = new();
    private readonly Dictionary<uint, PreKeyRecord> _known = [];
    private readonly Queue<uint> _unused = new();
    private readonly Func<int, uint> _reserveIds;

    /// <param name="reserveIds">Reserves that many consecutive one-time prekey ids and returns the first.</param>
    public PhoneKeys(KeyPair identityKey, uint registrationId, TimeProvider clock, Func<int, uint> reserveIds)
    {
        _reserveIds = reserveIds;
        Identity = new LocalIdentity(identityKey, registrationId);
        SignedPreKey = KeyHelper.GenerateSignedPreKey(identityKey, SignedPreKeyId, clock);
    }

    public LocalIdentity Identity { get; }

    public SignedPreKeyRecord SignedPreKey { get; }

    /// <summary>One-time prekeys handed out or generated and not yet consumed by a <c>pkmsg</c>.</summary>
    public int KnownPreKeys
    {
        get
        {
            lock (_lock)
            {
                return _known.Count;
            }
        }
    }

    /// <summary>The next unused one-time prekey (generating a batch when none is left); it stays known until consumed.</summary>
    public PreKeyRecord TakePreKey()
    {
        lock (_lock)
        {
            if (_unused.Count == 0)
            {
                foreach (var key in KeyHelper.GeneratePreKeys(_reserveIds(BatchSize), BatchSize))
                {
                    _known[key.Id] = key;
                    _unused.Enqueue(key.Id);
                }
            }

            return _known[_unused.Dequeue()];
        }
    }

    /// <summary>Forgets a one-time prekey a <c>pkmsg</c> used (a second message naming it fails, as on a real device).</summary>
    public void Consume(uint id)
    {
        lock (_lock)
        {
            _known.Remove(id);
        }
    }

    public PreKeyRecord? FindPreKey(uint id)
    {
        lock (_lock)
        {
            return _known.GetValueOrDefault(id);
        }
    }

    public SignedPreKeyRecord? FindSignedPreKey(uint id) => id == SignedPreKey.Id ? SignedPreKey : null;
}
