using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Signal;

/// <summary>Our side of every session: the identity key pair and the registration id peers see.</summary>
public sealed record LocalIdentity(KeyPair IdentityKey, uint RegistrationId);
