using System.Collections.Concurrent;
using System.Security.Cryptography;
using SessionCluster.Protocol.Pairing;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Simulator.Accounts;

/// <summary>
/// Every account the simulator knows, by phone number, and (when a data folder is configured) their persistence
/// in <c>accounts.json</c>, rewritten atomically after each change.
/// </summary>
internal sealed class AccountDirectory
{
    private readonly ConcurrentDictionary<string, Account> _byPhone = new(StringComparer.Ordinal);
    private readonly AccountFile? _file;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _saveLock = new(1, 1);
    private long _changes;
    private long _saved;

    public AccountDirectory(string? dataFolder, TimeProvider clock)
    {
        _clock = clock;
        if (dataFolder is not null)
        {
            _file = new AccountFile(Path.Combine(dataFolder, "accounts.json"));
            foreach (var account in _file.Load())
            {
                _byPhone[account.Phone] = account;
            }
        }
    }

    public int Count => _byPhone.Count;

    public IReadOnlyCollection<Account> All => [.. _byPhone.Values];

    public Account? Find(string phone) => _byPhone.GetValueOrDefault(phone);

    /// <summary>The account a phone-number or LID JID (any device) belongs to, or null.</summary>
    public Account? Find(SessionCluster.Protocol.Binary.Jid jid) =>
        jid.IsPhoneNumber ? Find(jid.User)
        : jid.IsLid ? _byPhone.Values.FirstOrDefault(a => a.LidUser == jid.User)
        : null;

    /// <summary>Creates an account with a fresh identity, registration id and random LID.</summary>
    /// <exception cref="AccountExistsException">The phone number already has an account.</exception>
    public async Task<Account> CreateAsync(string phone, CancellationToken cancellationToken)
    {
        var account = new Account(phone, NewLidUser(), AccountIdentity.Generate(), KeyHelper.GenerateRegistrationId(), _clock.GetUtcNow());
        if (!_byPhone.TryAdd(phone, account))
        {
            throw new AccountExistsException(phone);
        }

        await SaveAsync(cancellationToken).ConfigureAwait(false);
        return account;
    }

    /// <summary>Persists every account (no-op without a data folder).</summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        if (_file is null)
        {
            return;
        }

        // Group commit: a change made before this call is covered by any write that starts after it. Callers waiting
        // behind a write that began later than their change return without writing again (100 concurrent bundle
        // fetches make a few writes, not 100), and none returns before a write holding its change is on disk.
        var change = Interlocked.Increment(ref _changes);
        await _saveLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_saved >= change)
            {
                return;
            }

            var upTo = Volatile.Read(ref _changes);
            await _file.SaveAsync(All, cancellationToken).ConfigureAwait(false);
            _saved = upTo;
        }
        finally
        {
            _saveLock.Release();
        }
    }

    /// <summary>A 15-digit LID user that no account uses yet (real LIDs are 14-15 digit numbers).</summary>
    private string NewLidUser()
    {
        while (true)
        {
            var candidate = (100_000_000_000_000L + RandomNumberGenerator.GetInt32(0, int.MaxValue) * 100_000L + RandomNumberGenerator.GetInt32(0, 100_000)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!_byPhone.Values.Any(a => a.LidUser == candidate))
            {
                return candidate;
            }
        }
    }
}

/// <summary>An account for this phone number exists already.</summary>
internal sealed class AccountExistsException(string phone) : Exception($"An account for {phone} exists already.")
{
    public string Phone { get; } = phone;
}
