using System.Security.Cryptography;

namespace SessionCluster.Protocol.Noise;

/// <summary>The two transport ciphers a finished handshake yields.</summary>
public sealed class NoiseTransport : IDisposable
{
    internal NoiseTransport(byte[] sendKey, byte[] receiveKey)
    {
        Sender = new TransportCipher(sendKey);
        Receiver = new TransportCipher(receiveKey);
        CryptographicOperations.ZeroMemory(sendKey);
        CryptographicOperations.ZeroMemory(receiveKey);
    }

    public TransportCipher Sender { get; }

    public TransportCipher Receiver { get; }

    public void Dispose()
    {
        Sender.Dispose();
        Receiver.Dispose();
    }
}
