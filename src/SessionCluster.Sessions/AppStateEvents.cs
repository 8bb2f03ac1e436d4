using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Sessions;

/// <summary>A chat setting kept in app state (docs/PROTOCOL.md §14): which index a <see cref="ChatSettingChangedBody"/> reports.</summary>
public enum ChatSetting
{
    /// <summary><c>["archive", jid]</c> in regular_low.</summary>
    Archived,

    /// <summary><c>["pin_v1", jid]</c> in regular_low.</summary>
    Pinned,

    /// <summary><c>["mute", jid]</c> in regular_high.</summary>
    Muted,

    /// <summary><c>["markChatAsRead", jid]</c> in regular_low.</summary>
    Read,
}

/// <summary>
/// A chat was archived, pinned, muted or marked read (<paramref name="On"/>), or the opposite, by another device of the
/// account (an app-state patch every MAC of which verified) or by this session (<paramref name="ByThisSession"/>).
/// <paramref name="MuteEnd"/> only for a mute (null: forever); <paramref name="At"/> is the action's own time when given.
/// </summary>
public sealed record ChatSettingChangedBody(string Chat, ChatSetting Setting, bool On, DateTimeOffset? MuteEnd, DateTimeOffset? At, bool ByThisSession) : SessionEventBody
{
    internal ChatSettingChanged ToProto() => new()
    {
        Chat = Chat,
        Setting = Setting.ToString(),
        On = On,
        MuteEndUnixMs = MuteEnd?.ToUnixTimeMilliseconds() ?? 0,
        AtUnixMs = At?.ToUnixTimeMilliseconds() ?? 0,
        ByThisSession = ByThisSession,
    };

    internal static ChatSettingChangedBody FromProto(ChatSettingChanged proto) => new(
        proto.Chat,
        Enum.Parse<ChatSetting>(proto.Setting),
        proto.On,
        proto.MuteEndUnixMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(proto.MuteEndUnixMs) : null,
        proto.AtUnixMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(proto.AtUnixMs) : null,
        proto.ByThisSession);
}

/// <summary>A contact of the account's address book (<c>["contact", jid]</c>) was saved or changed, or <paramref name="Removed"/>.</summary>
public sealed record ContactUpdatedBody(string Jid, string? FullName, string? FirstName, string? Lid, bool Removed, DateTimeOffset? At) : SessionEventBody
{
    internal ContactUpdated ToProto() => new()
    {
        Jid = Jid, FullName = FullName ?? "", FirstName = FirstName ?? "", Lid = Lid ?? "", Removed = Removed, AtUnixMs = At?.ToUnixTimeMilliseconds() ?? 0,
    };

    internal static ContactUpdatedBody FromProto(ContactUpdated proto) => new(
        proto.Jid, MessageReceivedBody.NullIfEmpty(proto.FullName), MessageReceivedBody.NullIfEmpty(proto.FirstName), MessageReceivedBody.NullIfEmpty(proto.Lid),
        proto.Removed, proto.AtUnixMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(proto.AtUnixMs) : null);
}

/// <summary>The account's own push name (<c>["setting_pushName"]</c>) changed.</summary>
public sealed record PushNameChangedBody(string Name, DateTimeOffset? At) : SessionEventBody
{
    internal PushNameChanged ToProto() => new() { Name = Name, AtUnixMs = At?.ToUnixTimeMilliseconds() ?? 0 };

    internal static PushNameChangedBody FromProto(PushNameChanged proto) =>
        new(proto.Name, proto.AtUnixMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(proto.AtUnixMs) : null);
}
