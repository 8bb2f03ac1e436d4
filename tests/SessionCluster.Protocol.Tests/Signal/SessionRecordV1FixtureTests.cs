using System.Text;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Protocol.Tests.Signal;

/// <summary>
/// Records written by the first serializer must load and work forever. Keep this test as it is; when
/// the format changes, add a fixture for the new version beside this one.
/// </summary>
public sealed class SessionRecordV1FixtureTests
{
    private static readonly LocalIdentity Us = new(Curve25519.FromPrivateKey(Convert.FromHexString(SessionRecordV1Fixture.OurIdentityPrivateKey)), SessionRecordV1Fixture.OurRegistrationId);
    private static readonly LocalIdentity Peer = new(Curve25519.FromPrivateKey(Convert.FromHexString(SessionRecordV1Fixture.PeerIdentityPrivateKey)), SessionRecordV1Fixture.PeerRegistrationId);

    [Fact]
    public void A_version_1_record_loads_with_its_sessions()
    {
        var record = SessionRecord.Deserialize(Convert.FromHexString(SessionRecordV1Fixture.OurRecord));

        Assert.True(record.HasCurrentSession);
        Assert.Equal(1, record.ArchivedSessionCount);
        Assert.Equal(Peer.IdentityKey.PublicKey.ToArray(), record.RemoteIdentityKey.ToArray());
        Assert.Equal(SessionRecordV1Fixture.PeerRegistrationId, record.RemoteRegistrationId);
    }

    [Fact]
    public void A_version_1_record_decrypts_skipped_next_and_archived_session_messages()
    {
        var record = SessionRecord.Deserialize(Convert.FromHexString(SessionRecordV1Fixture.OurRecord));
        var keys = new NoPreKeys();

        var closed = SessionCipher.Decrypt(record, Us, Whisper(SessionRecordV1Fixture.SkippedOnClosedChain), keys);
        var open = SessionCipher.Decrypt(closed.Record, Us, Whisper(SessionRecordV1Fixture.SkippedOnOpenChain), keys);
        var next = SessionCipher.Decrypt(open.Record, Us, Whisper(SessionRecordV1Fixture.NextOnOpenChain), keys);
        var archived = SessionCipher.Decrypt(next.Record, Us, Whisper(SessionRecordV1Fixture.LateOnArchivedSession), keys);

        Assert.Equal("a3", Encoding.UTF8.GetString(closed.Plaintext));
        Assert.Equal("b1", Encoding.UTF8.GetString(open.Plaintext));
        Assert.Equal("b3", Encoding.UTF8.GetString(next.Plaintext));
        Assert.Equal("late, on the session we started", Encoding.UTF8.GetString(archived.Plaintext));
        Assert.Equal(DecryptFailure.DuplicateMessage, Assert.Throws<SignalDecryptException>(() =>
            SessionCipher.Decrypt(archived.Record, Us, Whisper(SessionRecordV1Fixture.NextOnOpenChain), keys)).Failure);
    }

    [Fact]
    public void Version_1_records_on_both_sides_carry_on_the_conversation()
    {
        var ours = SessionRecord.Deserialize(Convert.FromHexString(SessionRecordV1Fixture.OurRecord));
        var theirs = SessionRecord.Deserialize(Convert.FromHexString(SessionRecordV1Fixture.PeerRecord));
        var keys = new NoPreKeys();

        var toPeer = SessionCipher.Encrypt(ours, Us, "after the upgrade"u8);
        var atPeer = SessionCipher.Decrypt(theirs, Peer, toPeer.Message, keys);
        var toUs = SessionCipher.Encrypt(atPeer.Record, Peer, "still here"u8);
        var atUs = SessionCipher.Decrypt(SessionRecord.Deserialize(toPeer.Record.Serialize()), Us, toUs.Message, keys);

        Assert.Equal(CiphertextType.Whisper, toPeer.Message.Type);
        Assert.Equal("after the upgrade", Encoding.UTF8.GetString(atPeer.Plaintext));
        Assert.Equal("still here", Encoding.UTF8.GetString(atUs.Plaintext));
    }

    private static CiphertextMessage Whisper(string hex) => new(CiphertextType.Whisper, Convert.FromHexString(hex));

    private sealed class NoPreKeys : IPreKeySource
    {
        public PreKeyRecord? FindPreKey(uint id) => null;

        public SignedPreKeyRecord? FindSignedPreKey(uint id) => null;
    }
}
