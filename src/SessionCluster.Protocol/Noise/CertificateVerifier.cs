using Google.Protobuf;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Wa.Handshake;
using Details = SessionCluster.Protocol.Wa.Handshake.CertChain.Types.NoiseCertificate.Types.Details;

namespace SessionCluster.Protocol.Noise;

/// <summary>
/// Verifies the server's certificate chain with every check whatsmeow makes — and one more than
/// Baileys: both signatures, the issuer serials, both validity windows, and that the leaf certifies
/// exactly the static key the server used in the handshake.
/// </summary>
internal static class CertificateVerifier
{
    public static void Verify(ReadOnlySpan<byte> chainBytes, ReadOnlySpan<byte> serverStaticKey, ReadOnlySpan<byte> rootPublicKey, DateTimeOffset now)
    {
        var chain = Parse(chainBytes);
        var intermediate = RequireCertificate(chain.Intermediate, "intermediate");
        var leaf = RequireCertificate(chain.Leaf, "leaf");

        if (!XEdDsa.Verify(rootPublicKey, intermediate.Details.Span, intermediate.Signature.Span))
        {
            throw new NoiseCertificateException(CertificateFailure.UntrustedRoot, "the intermediate certificate is not signed by the trusted root key");
        }

        var intermediateDetails = ParseDetails(intermediate.Details, "intermediate");
        if (intermediateDetails.IssuerSerial != 0)
        {
            throw new NoiseCertificateException(CertificateFailure.WrongIntermediateIssuer, $"the intermediate names issuer {intermediateDetails.IssuerSerial}, not the root (0)");
        }

        if (intermediateDetails.Key.Length != Curve25519.KeySize)
        {
            throw new NoiseCertificateException(CertificateFailure.Malformed, $"the intermediate key is {intermediateDetails.Key.Length} bytes");
        }

        if (!XEdDsa.Verify(intermediateDetails.Key.Span, leaf.Details.Span, leaf.Signature.Span))
        {
            throw new NoiseCertificateException(CertificateFailure.BadLeafSignature, "the leaf certificate is not signed by the intermediate");
        }

        var leafDetails = ParseDetails(leaf.Details, "leaf");
        if (leafDetails.IssuerSerial != intermediateDetails.Serial)
        {
            throw new NoiseCertificateException(CertificateFailure.WrongLeafIssuer, $"the leaf names issuer {leafDetails.IssuerSerial}, the intermediate is {intermediateDetails.Serial}");
        }

        RequireValidAt(intermediateDetails, "intermediate", now);
        RequireValidAt(leafDetails, "leaf", now);

        if (!leafDetails.Key.Span.SequenceEqual(serverStaticKey))
        {
            throw new NoiseCertificateException(CertificateFailure.LeafKeyMismatch, "the leaf certifies a different key than the server's static key");
        }
    }

    private static CertChain Parse(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return CertChain.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new NoiseCertificateException(CertificateFailure.Malformed, "the chain is not a CertChain message: " + e.Message);
        }
    }

    private static Details ParseDetails(ByteString bytes, string which)
    {
        try
        {
            return Details.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new NoiseCertificateException(CertificateFailure.Malformed, $"the {which} details do not parse: {e.Message}");
        }
    }

    private static CertChain.Types.NoiseCertificate RequireCertificate(CertChain.Types.NoiseCertificate? certificate, string which)
    {
        if (certificate is null || !certificate.HasDetails || !certificate.HasSignature)
        {
            throw new NoiseCertificateException(CertificateFailure.Malformed, $"the {which} certificate is missing or incomplete");
        }

        if (certificate.Signature.Length != XEdDsa.SignatureSize)
        {
            throw new NoiseCertificateException(CertificateFailure.Malformed, $"the {which} signature is {certificate.Signature.Length} bytes, not {XEdDsa.SignatureSize}");
        }

        return certificate;
    }

    private static void RequireValidAt(Details details, string which, DateTimeOffset now)
    {
        var seconds = now.ToUnixTimeSeconds();
        if (seconds < 0 || (ulong)seconds < details.NotBefore)
        {
            throw new NoiseCertificateException(CertificateFailure.NotYetValid, $"the {which} certificate is valid only from {FormatUnixTime(details.NotBefore)}");
        }

        if ((ulong)seconds > details.NotAfter)
        {
            throw new NoiseCertificateException(CertificateFailure.Expired, $"the {which} certificate expired at {FormatUnixTime(details.NotAfter)}");
        }
    }

    // Certificates may carry any uint64; DateTimeOffset stops at the year 9999.
    private static string FormatUnixTime(ulong seconds) =>
        seconds > 253402300799UL ? $"{seconds} (unix seconds)" : DateTimeOffset.FromUnixTimeSeconds((long)seconds).ToString("u", System.Globalization.CultureInfo.InvariantCulture);
}
