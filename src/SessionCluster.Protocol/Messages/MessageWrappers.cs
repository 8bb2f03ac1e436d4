using SessionCluster.Protocol.Wa.E2E;

namespace SessionCluster.Protocol.Messages;

/// <summary>
/// The content inside WhatsApp's wrappers (docs/PROTOCOL.md §9 "Stanza type by content"): view-once, ephemeral,
/// document-with-caption, edited and device-sent messages each hold another <c>Message</c> and no content of their own.
/// </summary>
public static class MessageWrappers
{
    /// <summary>Wrappers nest at most a few deep; the bound keeps a hostile proto from looping forever.</summary>
    private const int MaxDepth = 8;

    public static Message Unwrap(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        for (var depth = 0; depth < MaxDepth; depth++)
        {
            var inner = message.ViewOnceMessage?.Message ?? message.ViewOnceMessageV2?.Message ?? message.ViewOnceMessageV2Extension?.Message
                ?? message.EphemeralMessage?.Message ?? message.DocumentWithCaptionMessage?.Message ?? message.EditedMessage?.Message
                ?? message.DeviceSentMessage?.Message;
            if (inner is null)
            {
                return message;
            }

            message = inner;
        }

        return message;
    }
}
