using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Media;

namespace SessionCluster.Sessions;

/// <summary>The message a media retry names (its <c>&lt;rmr&gt;</c>, docs/PROTOCOL.md §12), from the event that received it.</summary>
public static class MediaRetryTargets
{
    /// <summary>The chat and message id as received, our own send when <see cref="MessageReceivedBody.FromMe"/>, and in a group its sender.</summary>
    public static MediaRetryTarget Of(MessageReceivedBody received)
    {
        ArgumentNullException.ThrowIfNull(received);
        var group = Jid.TryParse(received.Chat, out var chat) && chat.IsGroup;
        return new MediaRetryTarget(received.MessageId, received.Chat, received.FromMe, group ? received.Sender : null);
    }
}
