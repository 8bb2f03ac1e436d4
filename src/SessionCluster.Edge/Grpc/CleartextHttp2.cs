using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace SessionCluster.Edge.Grpc;

/// <summary>
/// REST (HTTP/1.1) and gRPC (HTTP/2) on one cleartext port. Kestrel's <see cref="HttpProtocols.Http1AndHttp2"/> on an
/// endpoint without TLS serves HTTP/1.1 only: it chooses HTTP/2 from TLS ALPN, which cleartext lacks, logs "HTTP/2 is
/// not enabled ... Connections to this endpoint will use HTTP/1.1", and reads a gRPC client's prior-knowledge
/// connection (h2c, RFC 9113 section 3.4: the client opens with a 24-byte preface) as a broken HTTP/1.1 request and
/// closes it. Measured in GrpcOnePortTests; written up in docs/API.md ("gRPC", "One port").
/// <para>
/// This connection middleware reads the first bytes without consuming them. A connection that opens with the preface
/// is described to Kestrel the way a TLS connection that negotiated <c>h2</c> is (a connection feature with no
/// certificate and the application protocol <c>h2</c>), which is the one input Kestrel's protocol choice takes on a
/// mixed endpoint: it serves that connection as HTTP/2. Every other connection is untouched and stays HTTP/1.1. As
/// Kestrel then takes the request's scheme from that feature, the node allows HTTP/2's <c>:scheme</c> to give it
/// (<see cref="KestrelServerOptions.AllowAlternateSchemes"/>, set by <see cref="UseHttp1AndCleartextHttp2"/>), so a
/// gRPC request over h2c is <c>http</c> as it says. Upgrade from HTTP/1.1 (<c>Upgrade: h2c</c>) is not offered: gRPC
/// clients do not use it. Nothing here is TLS: the endpoint stays plain text, so put TLS in front of the node (a
/// proxy) before it leaves a trusted network.
/// </para>
/// </summary>
public static class CleartextHttp2
{
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    /// <summary>
    /// Serves HTTP/1.1 and prior-knowledge HTTP/2 on <paramref name="listen"/>. On a TLS endpoint (https URL) this
    /// middleware sits before TLS, sees a ClientHello, never the preface, and leaves the choice to ALPN.
    /// </summary>
    public static ListenOptions UseHttp1AndCleartextHttp2(this ListenOptions listen)
    {
        // Protocols stay Kestrel's default, Http1AndHttp2: set explicitly, Kestrel would log at start that HTTP/2 is off,
        // which this middleware makes untrue.
        var kestrel = listen.KestrelServerOptions;
        kestrel.AllowAlternateSchemes = true;
        listen.Use(next => async connection =>
        {
            // Kestrel arms its keep-alive timeout only once HTTP has the connection: until then this wait is bounded by
            // the same limit, so a connection that opens and sends nothing is closed as Kestrel would close it.
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
            idle.CancelAfter(kestrel.Limits.KeepAliveTimeout);
            switch (await StartsWithPrefaceAsync(connection.Transport.Input, idle.Token).ConfigureAwait(false))
            {
                case null:
                    // Returning closes the connection gracefully, as Kestrel closes an idle one.
                    return;
                case true:
                    connection.Features.Set<ITlsConnectionFeature>(PriorKnowledge.Instance);
                    connection.Features.Set<ITlsApplicationProtocolFeature>(PriorKnowledge.Instance);
                    break;
            }

            await next(connection).ConfigureAwait(false);
        });
        return listen;
    }

    /// <summary>
    /// Reads until the first bytes match the preface or differ from it, and leaves every byte unread for HTTP; null when
    /// <paramref name="cancellationToken"/> ends the wait first (the connection idle or gone).
    /// </summary>
    internal static async Task<bool?> StartsWithPrefaceAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return null;
            }

            var buffer = result.Buffer;
            var verdict = Match(buffer);
            if (verdict is not null || result.IsCompleted || result.IsCanceled)
            {
                // Nothing consumed and nothing examined: the HTTP parser's first read returns these bytes at once.
                input.AdvanceTo(buffer.Start);
                return verdict ?? false;
            }

            // A prefix of the preface so far: wait for more bytes before deciding.
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>True for the whole preface, false at the first byte that differs, null while what came is a prefix of it.</summary>
    internal static bool? Match(ReadOnlySequence<byte> buffer)
    {
        var length = (int)Math.Min(buffer.Length, Preface.Length);
        Span<byte> start = stackalloc byte[Preface.Length];
        buffer.Slice(0, length).CopyTo(start);
        if (!start[..length].SequenceEqual(Preface.AsSpan(0, length)))
        {
            return false;
        }

        return length == Preface.Length ? true : null;
    }

    /// <summary>What a TLS connection that negotiated HTTP/2 tells Kestrel, without a certificate: no TLS is claimed beyond that choice.</summary>
    private sealed class PriorKnowledge : ITlsConnectionFeature, ITlsApplicationProtocolFeature
    {
        public static readonly PriorKnowledge Instance = new();

        public ReadOnlyMemory<byte> ApplicationProtocol { get; } = "h2"u8.ToArray();

        public X509Certificate2? ClientCertificate
        {
            get => null;
            set => throw new NotSupportedException("A cleartext connection has no client certificate.");
        }

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(null);
    }
}
