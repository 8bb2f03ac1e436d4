using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using SessionCluster.Sessions.Connection;
using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Sessions.State;

/// <summary>
/// A session's proxy at rest: its <see cref="ProxySecrets"/> protobuf sealed with the node's <see cref="SecretBox"/>,
/// because it may hold the proxy's password. No proxy is the empty byte string. The seal's context is the session id
/// plus <c>/proxy</c>: it does not open in another session, nor where a sealed registration is expected.
/// </summary>
internal static class SealedProxy
{
    public static ByteString Seal(SecretBox box, string sessionId, ProxySettings? proxy)
    {
        if (proxy is null)
        {
            return ByteString.Empty;
        }

        var secrets = new ProxySecrets
        {
            Kind = proxy.Kind == ProxyKind.Socks5 ? ProxyKindValue.ProxyKindSocks5 : ProxyKindValue.ProxyKindHttpConnect,
            Host = proxy.Host,
            Port = (uint)proxy.Port,
        };
        if (proxy.Username is not null)
        {
            secrets.Username = proxy.Username;
            secrets.Password = proxy.Password!;
        }

        var plain = secrets.ToByteArray();
        try
        {
            return ByteString.CopyFrom(box.Seal(plain, Context(sessionId)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>Opens what <see cref="Seal"/> made; empty is no proxy. A wrong key or changed bytes are a <see cref="SecretsException"/>.</summary>
    public static ProxySettings? Open(SecretBox box, string sessionId, ByteString sealedProxy)
    {
        if (sealedProxy.IsEmpty)
        {
            return null;
        }

        var plain = box.Open(sealedProxy.Span, Context(sessionId));
        try
        {
            var secrets = ProxySecrets.Parser.ParseFrom(plain);
            var kind = secrets.Kind switch
            {
                ProxyKindValue.ProxyKindSocks5 => ProxyKind.Socks5,
                ProxyKindValue.ProxyKindHttpConnect => ProxyKind.HttpConnect,
                var other => throw new ProxySettingsException(ProxySettingsError.UnsupportedScheme, $"unknown proxy kind {other}"),
            };
            return new ProxySettings(kind, secrets.Host, checked((int)secrets.Port), secrets.HasUsername ? secrets.Username : null, secrets.HasPassword ? secrets.Password : null);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or ProxySettingsException or OverflowException)
        {
            // Authenticated yet unreadable: written by a build that sealed something else. Never include the bytes.
            throw new SecretsException(SecretsFailure.Tampered, $"The sealed proxy opened but does not read as a proxy: {e.GetType().Name}.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private static byte[] Context(string sessionId) => Encoding.UTF8.GetBytes(sessionId + "/proxy");
}
