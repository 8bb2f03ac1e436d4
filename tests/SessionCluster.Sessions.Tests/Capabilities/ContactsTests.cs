using System.Net.Http.Json;
using SessionCluster.Sessions.State.Proto;
using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>The contact check against the simulator's account directory.</summary>
public sealed class ContactsTests(ITestOutputHelper output) : CapabilityTestBase(output)
{
    [Fact]
    public async Task A_registered_number_is_on_WhatsApp_with_its_jid_and_lid_an_unknown_one_is_not_and_the_answer_keeps_the_callers_order_and_spelling()
    {
        await using var host = await Simulators.StartAsync();
        var bob = await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (system, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);

        var checkedContacts = Assert.IsType<ContactsChecked>(await Ask(session, new CheckContacts(Alice, ["+1 555 999-0000", "+1 (555) 000-2222", "15550002222"])));

        Assert.Equal(
            [
                new ContactCheck("+1 555 999-0000", null, null, false),
                new ContactCheck("+1 (555) 000-2222", bob.Jid, bob.Lid, true),
                new ContactCheck("15550002222", bob.Jid, bob.Lid, true),
            ],
            checkedContacts.Contacts);
        // The PN <-> LID pair is stored, as usync's device answers are.
        var learned = (await SessionLog.StoredAsync(system, Alice)).OfType<LidMappingLearned>().ToList();
        Assert.Contains(learned, l => l.PhoneUser == BobPhone && bob.Lid == l.LidUser + "@lid");
    }

    [Fact]
    public async Task A_contacts_profile_picture_is_its_url_and_id_and_one_without_a_picture_has_none()
    {
        await using var host = await Simulators.StartAsync();
        var bob = await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var carol = await SimulatorPhones.CreateAccountAsync(host, "15550003333");
        var (_, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        using (var http = new HttpClient())
        using (var set = await http.PutAsJsonAsync($"{host.AdminUrl}/accounts/{BobPhone}/picture", new { url = "https://pps.example.net/v/t61/bob.jpg" }))
        {
            Assert.True(set.IsSuccessStatusCode);
        }

        var full = Assert.IsType<ProfilePictureReady>(await Ask(session, new GetProfilePicture(Alice, bob.Jid)));
        var preview = Assert.IsType<ProfilePictureReady>(await Ask(session, new GetProfilePicture(Alice, bob.Jid, Preview: true)));
        var none = Assert.IsType<ProfilePictureReady>(await Ask(session, new GetProfilePicture(Alice, carol.Jid)));

        Assert.Equal("https://pps.example.net/v/t61/bob.jpg", full.Url);
        Assert.NotNull(full.Id);
        Assert.NotEqual(full.Url, preview.Url);
        Assert.Equal((null, null), (none.Url, none.Id));
        Assert.Equal(ContactsRefusal.BadPhones, Assert.IsType<ContactsRefused>(await Ask(session, new GetProfilePicture(Alice, "not a jid"))).Reason);
    }
}
