using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace SessionCluster.Actors.Persistence;

/// <summary>
/// <see cref="IEventCodec{T}"/> for protobuf messages: the manifest is the message's full protobuf name
/// (<c>sessioncluster.sessions.MessageReceived</c>), the payload its wire bytes. Protobuf's own rules
/// (new fields are optional, unknown fields are kept) let a schema grow; a message renamed or replaced
/// keeps reading through <see cref="Builder.Alias"/>.
/// </summary>
/// <typeparam name="T">The events' common type: an interface the generated classes implement through a partial declaration.</typeparam>
public sealed class ProtobufCodec<T> : IEventCodec<T>
    where T : class
{
    private readonly Dictionary<string, MessageParser> _parsers;

    private ProtobufCodec(Dictionary<string, MessageParser> parsers) => _parsers = parsers;

    public static Builder Create() => new();

    public string ManifestOf(T value) => AsMessage(value).Descriptor.FullName;

    public byte[] Encode(T value) => AsMessage(value).ToByteArray();

    public T Decode(string manifest, ReadOnlySpan<byte> payload)
    {
        if (!_parsers.TryGetValue(manifest, out var parser))
        {
            throw new UnknownManifestException(manifest);
        }

        return (T)parser.ParseFrom(payload);
    }

    private static IMessage AsMessage(T value) =>
        value as IMessage ?? throw new ArgumentException($"{value.GetType()} is not a protobuf message, so {nameof(ProtobufCodec<T>)} cannot encode it.", nameof(value));

    /// <summary>Registers the message types a codec reads and writes.</summary>
    public sealed class Builder
    {
        private readonly Dictionary<string, MessageParser> _parsers = new(StringComparer.Ordinal);

        /// <summary>Registers a message type under its full protobuf name.</summary>
        public Builder Add<TMessage>(MessageParser<TMessage> parser)
            where TMessage : IMessage<TMessage>
        {
            var descriptor = DescriptorOf(parser);
            return Register(descriptor.FullName, parser);
        }

        /// <summary>Reads events stored under <paramref name="oldManifest"/> with <paramref name="parser"/> (a renamed or moved message).</summary>
        public Builder Alias<TMessage>(string oldManifest, MessageParser<TMessage> parser)
            where TMessage : IMessage<TMessage> => Register(oldManifest, parser);

        public ProtobufCodec<T> Build() => new(new Dictionary<string, MessageParser>(_parsers, StringComparer.Ordinal));

        private Builder Register<TMessage>(string manifest, MessageParser<TMessage> parser)
            where TMessage : IMessage<TMessage>
        {
            if (!typeof(T).IsAssignableFrom(typeof(TMessage)))
            {
                throw new ArgumentException($"{typeof(TMessage)} does not implement {typeof(T)}; declare 'partial class {typeof(TMessage).Name} : {typeof(T).Name} {{ }}'.");
            }

            if (!_parsers.TryAdd(manifest, parser))
            {
                throw new ArgumentException($"The manifest '{manifest}' is registered twice.");
            }

            return this;
        }

        private static MessageDescriptor DescriptorOf<TMessage>(MessageParser<TMessage> parser)
            where TMessage : IMessage<TMessage> => parser.ParseFrom(ByteString.Empty).Descriptor;
    }
}
