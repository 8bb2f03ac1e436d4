using Google.Protobuf;
using SessionCluster.Actors.Persistence;

namespace SessionCluster.Actors.Tests.Persistence;

public sealed class ProtobufCodecTests
{
    [Fact]
    public void An_event_round_trips_under_its_full_protobuf_name()
    {
        var codec = AccountActor.Events;
        var deposited = new Deposited { Amount = 1234 };
        Assert.Equal("sessioncluster.tests.persistence.Deposited", codec.ManifestOf(deposited));
        Assert.Equal(deposited, codec.Decode(codec.ManifestOf(deposited), codec.Encode(deposited)));
    }

    [Fact]
    public void An_unknown_manifest_is_a_typed_error_naming_it()
    {
        var error = Assert.Throws<UnknownManifestException>(() => AccountActor.Events.Decode("nobody.Knows", [8, 1]));
        Assert.Equal("nobody.Knows", error.Manifest);
    }

    [Fact]
    public void Unreadable_bytes_throw_rather_than_decode_as_something_else()
    {
        Assert.Throws<InvalidProtocolBufferException>(() => AccountActor.Events.Decode("sessioncluster.tests.persistence.Deposited", [0x08, 0xFF]));
    }

    [Fact]
    public void Registering_a_type_outside_the_event_family_or_a_manifest_twice_fails_at_build_time()
    {
        Assert.Throws<ArgumentException>(() => ProtobufCodec<IAccountEvent>.Create().Add(AccountSnapshot.Parser));
        Assert.Throws<ArgumentException>(() => ProtobufCodec<IAccountEvent>.Create().Add(Deposited.Parser).Add(Deposited.Parser));
    }

    [Fact]
    public void A_field_added_by_a_newer_schema_does_not_stop_an_older_reader()
    {
        // Field 2 does not exist in Deposited: a newer writer added it; this reader keeps it as an unknown field.
        var newer = new byte[] { 0x08, 0x05, 0x10, 0x07 };
        var read = (Deposited)AccountActor.Events.Decode("sessioncluster.tests.persistence.Deposited", newer);
        Assert.Equal(5, read.Amount);
        Assert.Equal(newer, read.ToByteArray());
    }
}
