using System.Collections.Immutable;
using SessionCluster.Protocol.Binary;

namespace SessionCluster.Sessions.State;

/// <summary>
/// Which phone-number user is which LID user (docs/PROTOCOL.md §5), learned from usync answers and the <c>*_pn</c>
/// attributes of what arrives. A value. A contact device's ratchet lives under one address only — its LID device when
/// the LID is known (<see cref="Canonical"/>) — because a LID-migrated peer keeps one session per LID device whichever
/// form the chat was addressed by, and two ratchets for one device would fork.
/// </summary>
public sealed class LidMap
{
    private readonly ImmutableDictionary<string, string> _lidByPhone;
    private readonly ImmutableDictionary<string, string> _phoneByLid;

    private LidMap(ImmutableDictionary<string, string> lidByPhone, ImmutableDictionary<string, string> phoneByLid)
    {
        _lidByPhone = lidByPhone;
        _phoneByLid = phoneByLid;
    }

    public static LidMap Empty { get; } = new(ImmutableDictionary<string, string>.Empty, ImmutableDictionary<string, string>.Empty);

    public int Count => _lidByPhone.Count;

    /// <summary>Whether this pair is known already (so learning it again writes nothing).</summary>
    public bool Knows(string phoneUser, string lidUser) => _lidByPhone.GetValueOrDefault(phoneUser) == lidUser;

    public LidMap Learn(string phoneUser, string lidUser) =>
        Knows(phoneUser, lidUser) ? this : new(_lidByPhone.SetItem(phoneUser, lidUser), _phoneByLid.SetItem(lidUser, phoneUser));

    /// <summary>The same user or device in its other form (PN ↔ LID), or null when unknown or not a user.</summary>
    public Jid? Alternate(Jid jid)
    {
        if (jid.IsPhoneNumber && _lidByPhone.TryGetValue(jid.User, out var lid))
        {
            return new Jid(lid, JidServer.Lid, jid.Device);
        }

        if (jid.IsLid && _phoneByLid.TryGetValue(jid.User, out var phone))
        {
            return new Jid(phone, JidServer.WhatsApp, jid.Device);
        }

        return null;
    }

    /// <summary>The address a device's ratchet is kept under: its LID form when known, else as given.</summary>
    public Jid Canonical(Jid device) => device.IsPhoneNumber && Alternate(device) is { } lid ? lid : device;

    /// <summary>The phone-number form when known, else as given (how chats are named to callers).</summary>
    public Jid PhoneForm(Jid jid) => jid.IsLid && Alternate(jid) is { } phone ? phone : jid;

    public override string ToString() => $"LidMap({_lidByPhone.Count} users)";
}
