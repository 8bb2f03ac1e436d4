using Google.Protobuf;
using SessionCluster.Protocol.Wa.Handshake;

namespace SessionCluster.Protocol.Noise;

internal static class HandshakeMessages
{
    public static HandshakeMessage Parse(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return HandshakeMessage.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new NoiseHandshakeException("A handshake frame is not a HandshakeMessage.", e);
        }
    }
}
