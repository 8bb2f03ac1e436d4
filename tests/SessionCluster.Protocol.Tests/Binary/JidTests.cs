using SessionCluster.Protocol.Binary;

namespace SessionCluster.Protocol.Tests.Binary;

/// <summary>The JID type: strict parsing, Baileys' string form, construction rules, helpers.</summary>
public sealed class JidTests
{
    [Theory]
    [InlineData("s.whatsapp.net")]
    [InlineData("g.us")]
    [InlineData("broadcast")]
    [InlineData("lid")]
    [InlineData("newsletter")]
    [InlineData("c.us")]
    [InlineData("call")]
    [InlineData("hosted")]
    [InlineData("hosted.lid")]
    [InlineData("msgr")]
    [InlineData("bot")]
    public void Parses_and_formats_every_server(string server)
    {
        var jid = Jid.Parse("15551234567@" + server);
        Assert.Equal("15551234567", jid.User);
        Assert.Equal(server, jid.Server);
        Assert.Same(string.Intern(server), jid.Server); // the JidServer constant, not a fresh copy
        Assert.Equal(0, jid.Device);
        Assert.Equal(0, jid.Agent);
        Assert.Equal("15551234567@" + server, jid.ToString());

        var serverOnly = Jid.Parse("@" + server);
        Assert.Equal(string.Empty, serverOnly.User);
        Assert.Equal("@" + server, serverOnly.ToString());
    }

    [Fact]
    public void Parses_devices_agents_and_interop_jids()
    {
        var device = Jid.Parse("15551234567:2@s.whatsapp.net");
        Assert.Equal(("15551234567", (byte)0, (ushort)2, "s.whatsapp.net"), (device.User, device.Agent, device.Device, device.Server));

        var agent = Jid.Parse("15551234567_5:65535@s.whatsapp.net");
        Assert.Equal(((byte)5, (ushort)65535), (agent.Agent, agent.Device));
        Assert.Equal("15551234567_5:65535@s.whatsapp.net", agent.ToString());

        var agentOnly = Jid.Parse("15551234567_255@s.whatsapp.net");
        Assert.Equal(((byte)255, (ushort)0), (agentOnly.Agent, agentOnly.Device));
        Assert.Equal("15551234567_255@s.whatsapp.net", agentOnly.ToString());

        var interop = Jid.Parse("7-abc-def:3@interop");
        Assert.Equal(("abc-def", (ushort)3, (ushort)7, "interop"), (interop.User, interop.Device, interop.Integrator, interop.Server));
        Assert.Equal("7-abc-def:3@interop", interop.ToString());
        Assert.Equal("0-abc:0@interop", Jid.Parse("0-abc:0@interop").ToString()); // interop always prints its device

        Assert.Equal("120363-456@g.us", Jid.Parse("120363-456@g.us").ToString());
    }

    [Fact]
    public void Device_0_is_accepted_and_left_out_when_formatting()
    {
        var jid = Jid.Parse("15551234567:0@s.whatsapp.net");
        Assert.Equal(0, jid.Device);
        Assert.Equal("15551234567@s.whatsapp.net", jid.ToString());
        Assert.Equal(Jid.Parse("15551234567@s.whatsapp.net"), jid);
    }

    [Theory]
    [InlineData("", "missing '@'")]
    [InlineData("15551234567", "missing '@'")]
    [InlineData("15551234567@", "empty server")]
    [InlineData("@", "empty server")]
    [InlineData("1@example.com", "unknown server")]
    [InlineData("1@S.WHATSAPP.NET", "unknown server")]
    [InlineData("1@g.us@g.us", "unknown server")]
    [InlineData("1@ g.us", "unknown server")]
    [InlineData("1:@s.whatsapp.net", "device")]
    [InlineData("1:x@s.whatsapp.net", "device")]
    [InlineData("1:-1@s.whatsapp.net", "device")]
    [InlineData("1:+1@s.whatsapp.net", "device")]
    [InlineData("1:01@s.whatsapp.net", "device")]
    [InlineData("1:65536@s.whatsapp.net", "device")]
    [InlineData("1:100000@s.whatsapp.net", "device")]
    [InlineData("1:2:3@s.whatsapp.net", "device")]
    [InlineData("1: 2@s.whatsapp.net", "device")]
    [InlineData("1_@s.whatsapp.net", "agent")]
    [InlineData("1_0@s.whatsapp.net", "agent")]
    [InlineData("1_256:1@s.whatsapp.net", "agent")]
    [InlineData("1_a@s.whatsapp.net", "agent")]
    [InlineData("1_2_3@s.whatsapp.net", "agent")]
    [InlineData(":1@s.whatsapp.net", "without a user")]
    [InlineData("_1@s.whatsapp.net", "without a user")]
    [InlineData("1:2@interop", "integrator-user:device")]
    [InlineData("7-1@interop", "integrator-user:device")]
    [InlineData("1@interop", "integrator-user:device")]
    [InlineData("x-1:2@interop", "integrator")]
    [InlineData("70000-1:2@interop", "integrator")]
    [InlineData("-1:2@interop", "integrator")]
    [InlineData("7-1:x@interop", "device")]
    [InlineData("7-:2@interop", "interop user")]
    [InlineData("7-a_b:2@interop", "interop user")]
    public void Rejects_malformed_strings_with_a_reason(string text, string reason)
    {
        var error = Assert.Throws<JidFormatException>(() => Jid.Parse(text));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<FormatException>(error);
        Assert.False(Jid.TryParse(text, out var jid));
        Assert.Equal(default, jid);
    }

    [Fact]
    public void TryParse_accepts_null_and_Parse_does_not()
    {
        Assert.False(Jid.TryParse(null, out _));
        Assert.Throws<ArgumentNullException>(() => Jid.Parse(null!));
        Assert.True(Jid.TryParse("1@lid", out var jid));
        Assert.True(jid.IsLid);
    }

    [Fact]
    public void Constructor_refuses_what_the_string_form_cannot_express()
    {
        Assert.Throws<ArgumentException>(() => new Jid("1", "example.com"));
        Assert.Throws<ArgumentException>(() => new Jid("1@2", JidServer.WhatsApp));
        Assert.Throws<ArgumentException>(() => new Jid("1:2", JidServer.WhatsApp));
        Assert.Throws<ArgumentException>(() => new Jid("1_2", JidServer.WhatsApp));
        Assert.Throws<ArgumentException>(() => new Jid(string.Empty, JidServer.WhatsApp, device: 1));
        Assert.Throws<ArgumentException>(() => new Jid(string.Empty, JidServer.WhatsApp, agent: 1));
        Assert.Throws<ArgumentException>(() => new Jid("1", JidServer.WhatsApp, integrator: 1));
        Assert.Throws<ArgumentException>(() => new Jid(string.Empty, JidServer.Interop, integrator: 1));
        Assert.Throws<ArgumentException>(() => new Jid("1", JidServer.Interop, agent: 1));
        Assert.Throws<ArgumentNullException>(() => new Jid(null!, JidServer.WhatsApp));
    }

    [Fact]
    public void Constructed_jids_parse_back_from_their_string()
    {
        string[] servers = [JidServer.WhatsApp, JidServer.Group, JidServer.Broadcast, JidServer.Lid, JidServer.Newsletter,
            JidServer.LegacyUser, JidServer.Call, JidServer.Hosted, JidServer.HostedLid, JidServer.Messenger, JidServer.Bot];
        var random = new Random(5);
        for (var i = 0; i < 2000; i++)
        {
            var user = random.Next(4) == 0 ? string.Empty : random.NextInt64(1, 999_999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var jid = random.Next(6) == 0
                ? new Jid(user.Length == 0 ? "x" : user, JidServer.Interop, (ushort)random.Next(65536), 0, (ushort)random.Next(65536))
                : user.Length == 0
                    ? new Jid(user, servers[random.Next(servers.Length)])
                    : new Jid(user, servers[random.Next(servers.Length)], (ushort)random.Next(65536), (byte)random.Next(256));
            Assert.Equal(jid, Jid.Parse(jid.ToString()));
        }
    }

    [Fact]
    public void Helpers_classify_and_strip_devices()
    {
        Assert.True(Jid.Parse("1-2@g.us").IsGroup);
        Assert.True(Jid.Parse("1@lid").IsLid);
        Assert.False(Jid.Parse("1@hosted.lid").IsLid);
        Assert.True(Jid.Parse("1@hosted.lid").IsHosted);
        Assert.True(Jid.Parse("1@hosted").IsHosted);
        Assert.True(Jid.Parse("1@s.whatsapp.net").IsPhoneNumber);
        Assert.False(Jid.Parse("@s.whatsapp.net").IsPhoneNumber);
        Assert.True(Jid.Parse("status@broadcast").IsBroadcast);
        Assert.True(Jid.Parse("1@newsletter").IsNewsletter);

        Assert.Equal(Jid.Parse("1@s.whatsapp.net"), Jid.Parse("1_5:3@s.whatsapp.net").ToNonAd());
        Assert.Equal("7-1:0@interop", Jid.Parse("7-1:3@interop").ToNonAd().ToString());
    }

    [Fact]
    public void Default_is_empty_and_prints_nothing()
    {
        var jid = default(Jid);
        Assert.True(jid.IsEmpty);
        Assert.Equal(string.Empty, jid.ToString());
        Assert.Equal(string.Empty, jid.User);
        Assert.Equal(string.Empty, jid.Server);
        Assert.False(Jid.Parse("@s.whatsapp.net").IsEmpty);
    }

    [Fact]
    public void Equality_is_by_value()
    {
        Assert.Equal(Jid.Parse("1:2@lid"), new Jid("1", JidServer.Lid, device: 2));
        Assert.NotEqual(Jid.Parse("1:2@lid"), Jid.Parse("1:3@lid"));
        Assert.NotEqual(Jid.Parse("1@lid"), Jid.Parse("1@s.whatsapp.net"));
        Assert.Equal(Jid.Parse("1:2@lid").GetHashCode(), new Jid("1", "lid", 2).GetHashCode());
    }
}
