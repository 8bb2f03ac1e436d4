using System.Security.Cryptography;
using System.Text;

namespace SessionCluster.Protocol.Pairing;

// Public API (docs/PROTOCOL.md §6, pairing by phone-number code; Baileys generics.js bytesToCrockford, crypto.js
// derivePairingCodeKey, socket.js generatePairingKey, messages-recv.js decipherLinkPublicKey):
//   const string PairingCode.Alphabet = "123456789ABCDEFGHJKLMNPQRSTVWXYZ"; const int Length = 8, Iterations = 131072,
//   WrappedKeyLength = 80
//   string PairingCode.Generate()                            8 characters from 5 random bytes
//   string PairingCode.Generate(RandomNumberGenerator random) the same, drawn from the caller's source
//   string PairingCode.Encode(ReadOnlySpan<byte> fiveBytes)   the same encoding as Baileys' bytesToCrockford
//   string PairingCode.Normalize(string code)                 "ABCD-EFGH" or "ABCDEFGH" -> "ABCDEFGH"; PairingCodeException(InvalidCode)
//   byte[] PairingCode.DeriveKey(string code, ReadOnlySpan<byte> salt)                  PBKDF2-SHA256(code, salt, 131072) -> 32 bytes
//   byte[] PairingCode.WrapEphemeral(string code, ReadOnlySpan<byte> publicKey)         salt(32) || iv(16) || AES-256-CTR(pub), random salt/iv
//   byte[] PairingCode.WrapEphemeral(string code, ReadOnlySpan<byte> publicKey, RandomNumberGenerator random)
//   byte[] PairingCode.WrapEphemeral(string code, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> iv)
//   byte[] PairingCode.UnwrapEphemeral(string code, ReadOnlySpan<byte> wrapped)         PairingCodeException(MalformedWrappedKey)
// The phone's half of the exchange is LinkCodePairing.

/// <summary>
/// The 8-character code a companion shows for pairing by phone number, and the way both sides hide their ephemeral
/// public keys with it: AES-256-CTR under PBKDF2-SHA256(code, salt, 2^17 iterations).
/// </summary>
/// <remarks>
/// The wrapping is not authenticated: unwrapping with a wrong code yields 32 wrong bytes, not an error. A wrong code
/// shows up one step later, when the companion's key bundle fails AES-GCM authentication (LinkCodePairing.Finish).
/// The code is the password fed to PBKDF2 as its UTF-8 characters, without the dash.
/// </remarks>
public static class PairingCode
{
    /// <summary>Crockford-like base32 without 0, O, I and U (Baileys CROCKFORD_CHARACTERS).</summary>
    public const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTVWXYZ";

    public const int Length = 8;

    /// <summary>PBKDF2 iterations: 2 &lt;&lt; 16.</summary>
    public const int Iterations = 2 << 16;

    public const int SaltLength = 32;

    /// <summary>salt(32) || iv(16) || ciphertext(32).</summary>
    public const int WrappedKeyLength = SaltLength + AesCtr.IvSize + 32;

    /// <summary>A fresh code: 5 random bytes (40 bits, 8 characters).</summary>
    public static string Generate() => Encode(RandomNumberGenerator.GetBytes(5));

    /// <summary>A fresh code from 5 bytes of <paramref name="random"/>.</summary>
    public static string Generate(RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> bytes = stackalloc byte[5];
        random.GetBytes(bytes);
        var code = Encode(bytes);
        CryptographicOperations.ZeroMemory(bytes);
        return code;
    }

    /// <summary>Big-endian 5-bit groups of the bytes, padded with zero bits, in <see cref="Alphabet"/>.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var result = new StringBuilder((bytes.Length * 8 + 4) / 5);
        var value = 0;
        var bits = 0;
        foreach (var b in bytes)
        {
            value = ((value << 8) | b) & 0xFFFF;
            bits += 8;
            while (bits >= 5)
            {
                result.Append(Alphabet[(value >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            result.Append(Alphabet[(value << (5 - bits)) & 31]);
        }

        return result.ToString();
    }

    /// <summary>The code as it enters PBKDF2: 8 alphabet characters, the display dash (XXXX-XXXX) removed.</summary>
    /// <exception cref="PairingCodeException">Not 8 characters of <see cref="Alphabet"/>.</exception>
    public static string Normalize(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var bare = code.Length == Length + 1 && code[4] == '-' ? string.Concat(code.AsSpan(0, 4), code.AsSpan(5)) : code;
        if (bare.Length != Length || bare.AsSpan().IndexOfAnyExcept(Alphabet) >= 0)
        {
            throw new PairingCodeException(PairingCodeFailure.InvalidCode, $"a pairing code is {Length} characters of {Alphabet}, optionally written XXXX-XXXX.");
        }

        return bare;
    }

    /// <summary>PBKDF2-HMAC-SHA256(code, salt, <see cref="Iterations"/>, 32 bytes); the code is normalized first.</summary>
    public static byte[] DeriveKey(string code, ReadOnlySpan<byte> salt) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(Normalize(code)), salt, Iterations, HashAlgorithmName.SHA256, 32);

    /// <summary>Wraps a 32-byte ephemeral public key with a fresh random salt and IV.</summary>
    public static byte[] WrapEphemeral(string code, ReadOnlySpan<byte> publicKey) =>
        WrapEphemeral(code, publicKey, RandomNumberGenerator.GetBytes(SaltLength), RandomNumberGenerator.GetBytes(AesCtr.IvSize));

    /// <summary>Wraps a 32-byte ephemeral public key with a salt and IV drawn from <paramref name="random"/>.</summary>
    public static byte[] WrapEphemeral(string code, ReadOnlySpan<byte> publicKey, RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var salt = new byte[SaltLength];
        var iv = new byte[AesCtr.IvSize];
        random.GetBytes(salt);
        random.GetBytes(iv);
        return WrapEphemeral(code, publicKey, salt, iv);
    }

    /// <summary>salt || iv || AES-256-CTR(DeriveKey(code, salt), iv, publicKey).</summary>
    public static byte[] WrapEphemeral(string code, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> iv)
    {
        if (publicKey.Length != 32)
        {
            throw new PairingCodeException(PairingCodeFailure.InvalidPublicKey, "an ephemeral public key is 32 bytes.");
        }

        if (salt.Length != SaltLength || iv.Length != AesCtr.IvSize)
        {
            throw new ArgumentException($"The salt is {SaltLength} bytes and the IV {AesCtr.IvSize}.");
        }

        var key = DeriveKey(code, salt);
        var wrapped = new byte[WrappedKeyLength];
        salt.CopyTo(wrapped);
        iv.CopyTo(wrapped.AsSpan(SaltLength));
        AesCtr.Transform(key, iv, publicKey, wrapped.AsSpan(SaltLength + AesCtr.IvSize));
        CryptographicOperations.ZeroMemory(key);
        return wrapped;
    }

    /// <summary>The 32-byte public key inside an 80-byte wrapped key (wrong bytes, not an error, if the code is wrong).</summary>
    /// <exception cref="PairingCodeException">Not 80 bytes, or an invalid code.</exception>
    public static byte[] UnwrapEphemeral(string code, ReadOnlySpan<byte> wrapped)
    {
        if (wrapped.Length != WrappedKeyLength)
        {
            throw new PairingCodeException(PairingCodeFailure.MalformedWrappedKey, $"a wrapped ephemeral key is {WrappedKeyLength} bytes, not {wrapped.Length}.");
        }

        var salt = wrapped[..SaltLength];
        var iv = wrapped.Slice(SaltLength, AesCtr.IvSize);
        var key = DeriveKey(code, salt);
        var publicKey = new byte[32];
        AesCtr.Transform(key, iv, wrapped[(SaltLength + AesCtr.IvSize)..], publicKey);
        CryptographicOperations.ZeroMemory(key);
        return publicKey;
    }
}
