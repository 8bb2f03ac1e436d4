using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Media;
using SessionCluster.Simulator.Relay;

namespace SessionCluster.Simulator.Phone;

/// <summary>
/// The phones the simulator plays, one per account (device 0), created on first use; the relay's
/// <see cref="IPrimaryDevices"/>. Phones send through the relay, which is resolved on first send so the relay and the
/// phones can reference each other.
/// </summary>
internal sealed class PhoneDirectory : IPrimaryDevices
{
    private readonly ConcurrentDictionary<string, Lazy<Phone>> _phones = new(StringComparer.Ordinal);
    private readonly AccountDirectory _accounts;
    private readonly Lazy<IStanzaRelay> _relay;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Func<MediaStore?> _media;
    private readonly Func<string?> _mediaBaseUrl;

    /// <param name="media">The media host's store, where phones upload the files they send and upload again on a media retry; none without it.</param>
    /// <param name="mediaBaseUrl">The media host's <c>https://host:port</c>, for the <c>url</c> of a file a phone sends (Baileys downloads from it).</param>
    public PhoneDirectory(AccountDirectory accounts, Func<IStanzaRelay> relay, TimeProvider clock, ILoggerFactory loggerFactory, Func<MediaStore?>? media = null, Func<string?>? mediaBaseUrl = null)
    {
        _accounts = accounts;
        _media = media ?? (() => null);
        _mediaBaseUrl = mediaBaseUrl ?? (() => null);
        _relay = new Lazy<IStanzaRelay>(relay);
        _clock = clock;
        _logger = loggerFactory.CreateLogger<Phone>();
    }

    public IStanzaRelay Relay => _relay.Value;

    /// <summary>The media host's store, or null when this simulator has none.</summary>
    public MediaStore? Media => _media();

    /// <summary>The media host's base URL, or null when it is not serving.</summary>
    public string? MediaBaseUrl => _mediaBaseUrl();

    /// <summary>The phone of <paramref name="account"/> (one per phone number, created on first use).</summary>
    public Phone Get(Account account) =>
        _phones.GetOrAdd(account.Phone, _ => new Lazy<Phone>(() => new Phone(account, this, _clock, _logger))).Value;

    /// <summary>The account a PN or LID jid (any device) belongs to, or null.</summary>
    public Account? FindAccount(Jid jid)
    {
        if (jid.IsPhoneNumber)
        {
            return _accounts.Find(jid.User);
        }

        return jid.IsLid ? _accounts.All.FirstOrDefault(a => a.LidUser == jid.User) : null;
    }

    /// <summary>
    /// Persists the accounts after a phone took prekeys (a companion's one-time key for a session, or a batch of its own
    /// ids), before what carries them goes out: a restart must neither serve those keys again nor reuse those ids.
    /// </summary>
    public Task SaveAccountsAsync(CancellationToken cancellationToken) => _accounts.SaveAsync(cancellationToken);

    public ValueTask DeliverAsync(Account account, Node stanza, CancellationToken cancellationToken) =>
        Get(account).DeliverAsync(stanza, cancellationToken);

    public Node TakeBundle(Account account, Jid deviceJid) => Get(account).TakeBundle(deviceJid);
}
