using System.Collections.Concurrent;
using System.Globalization;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;

namespace SessionCluster.Simulator;

/// <summary>
/// Profile pictures (docs/PROTOCOL.md §8; whatsmeow user.go GetProfilePictureInfo, Baileys profilePictureUrl):
/// <c>&lt;iq xmlns="w:profile:picture" type="get" target=JID&gt;&lt;picture type="image|preview" query="url"/&gt;&lt;/iq&gt;</c> is
/// answered <c>&lt;picture id url type direct_path/&gt;</c>, or 404 item-not-found when the account has none. A picture is set
/// through the admin API (<c>PUT /admin/accounts/{phone}/picture {"url"}</c>); each set gives it a new id.
/// </summary>
internal sealed class ProfilePictures(AccountDirectory accounts)
{
    private readonly ConcurrentDictionary<string, (string Id, string Url)> _pictures = new(StringComparer.Ordinal);
    private long _ids = 1_700_000_000;

    public string Set(Account account, string url)
    {
        var id = Interlocked.Increment(ref _ids).ToString(CultureInfo.InvariantCulture);
        _pictures[account.Phone] = (id, url);
        return id;
    }

    public ValueTask<Node?> HandleAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        _ = (connection, cancellationToken);
        var picture = iq.GetOptionalChild("picture") ?? throw new IqRequestException(IqErrorCode.BadRequest, "w:profile:picture needs a <picture>.");
        var target = iq.GetOptionalJid("target") ?? iq.GetOptionalJid("to") ?? throw new IqRequestException(IqErrorCode.BadRequest, "w:profile:picture needs a target.");
        if (accounts.Find(target) is not { } account || !_pictures.TryGetValue(account.Phone, out var set))
        {
            throw new IqRequestException(IqErrorCode.ItemNotFound, $"{target} has no profile picture.");
        }

        var type = picture.GetOptionalString("type") ?? "image";
        var url = type == "preview" ? set.Url + "?preview=1" : set.Url;
        var reply = new Node("picture", [("id", set.Id), ("url", url), ("type", type), ("direct_path", new Uri(url).AbsolutePath)]);
        return ValueTask.FromResult<Node?>(ServerStanzas.IqResult(iq, reply));
    }
}
