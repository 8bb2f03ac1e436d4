namespace SessionCluster.Protocol.Tests.Signal;

/// <summary>
/// A session record written by version 1 of the serializer (the first), with what is needed to use it.
/// Never regenerate or edit: <see cref="SessionRecordV1FixtureTests"/> proves that records stored by
/// the first release still load and work. Hex, keys raw.
/// </summary>
/// <remarks>
/// How it was made ("us" owns <see cref="OurRecord"/>, "peer" owns <see cref="PeerRecord"/>):
/// 1. We processed the peer's bundle (one-time prekey included) and sent a PreKeyWhisperMessage, which
///    the peer decrypted; the peer answered on that session (<see cref="LateOnArchivedSession"/>), held back.
/// 2. The peer processed our bundle and sent a PreKeyWhisperMessage; we decrypted it, so our first
///    session (still waiting for a reply, so still pending) went to the archive.
/// 3. We replied; the peer sent a0..a4 on a new chain; we decrypted a0 and replied; the peer sent
///    b0..b3 on another chain; we decrypted b2, which closed chain a with a1..a4 skipped and left b0, b1
///    skipped on chain b. <see cref="SkippedOnClosedChain"/> is a3, <see cref="SkippedOnOpenChain"/> b1,
///    <see cref="NextOnOpenChain"/> b3.
/// </remarks>
internal static class SessionRecordV1Fixture
{
    public const string OurIdentityPrivateKey =
        "180aea5d29ad5a3ad42f6f021ea466af2fd5a4644bf25286d60e6c1aa5efd87c";

    public const uint OurRegistrationId = 14368;

    public const string PeerIdentityPrivateKey =
        "b8a890fdeb339a210ff9026db7ce2bc413660488bd53e084ae80fed67630f248";

    public const uint PeerRegistrationId = 12154;

    public const string OurRecord =
        "0ad8040a2033fb44a1e3852decd98f0a6eb545e9def8ca0dedf055f8dd6696e87f749f867910fa5e1a20982071aed92a054778f6b6171bcdaefe6c7c0cf9854a7b6b25cf2834a41594442a208b368b8eae79bfb3a69accb97698e227bd15eada3c2f0ed43e4befcc201b19613220f0f07342d593c3e1289aaeedf82fba3b7c3e3af95587b58610a09c069bc674403a208eeadb793b80ea4ef8ceca159fc83521a37ee89e8b2464449991826289e7f27d422027bd5c70247564f48ee2ccc731a0197f0beede5c9ab269b75c890816069a185c52220a2090e11c844b0895cb65f6452d4bf6a639d9951a916711bb05ff3d0efac3e75ef85a240a20a96692e20a2d0ca756a40f5afe2dd39c89163bae632c47621641e06a60a64b2118015aad010a20fd0c0430f4eae32689e58a8a9dd1e459be249f7dd4d01004b1bb82c5cc8a1e1218052204010203042a80014c19cfda0c6923b6757f70177567ad3d79ceee8c9d4de4dc6c4b9f53e5114f11d26a3a7a5fdbb9587474d1f0784ea18bbe0595e268c80ff49aa0bc1d67674fc5f9ae8ddffc307b8be66902644bf64389809bde786bdbc8a8e92774cbce24baca0be6a22c9170b92b4d17e28247685f136f9419676913943c6bdceda5defddf055a8c010a2027bd5c70247564f48ee2ccc731a0197f0beede5c9ab269b75c890816069a185c122066b17c90724f0fb0aeb59a84ab6a487bb28593d3a8bad351a34854016e557f0e1803220200012a4046111e01443574c089b8320cc293eb85e7c49906ebdfe1243a1e01cee1aee79f9af71a4c28780f3feb2f08618d42716e9eb1056c71e61988bc3f85f1bfe5c4da12ff010a2033fb44a1e3852decd98f0a6eb545e9def8ca0dedf055f8dd6696e87f749f867910fa5e1a205d47c6bb25fb463837775189abe038ba9ed1f88c720fda6ba90afefcbad0032f20012a2032bda1daba4268a39b8f4e3e230c00bd2800fd37bb064123e9e218f105a6ae0d32209043621364af07939c440ca159ff0f7ec2454c04b2f68a676263be28f0b9ef4d3a200ef8ca6d44392a438a8b1f8beb3ce212ceca6ac65020adae9991a85ceb8a3c17422040e036c6d6a9090ef8a25dc4ccca2a82f004f68518308175435fe842cdfa793f52240a201a2f1ec673aeaf8227e55e7ab0857901978b56e7c6db6fa78a1e3794ff6f22f01001620408011001680118017801";

    public const string PeerRecord =
        "0ae7020a2055315c58656ae721ef65d8a611946717bce8bfbd8c0391dd8a16e9352c91b63410a0701a20982071aed92a054778f6b6171bcdaefe6c7c0cf9854a7b6b25cf2834a415944420012a20ac6f76c3babeaac5c93a4bd8f2b18b31fc18720ae1d41c7f3846c0237f43211a3220a0a93d7b9f147be3fb79912e2a0dcd12cb93e9466ecb705c28a6683867615a693a2027bd5c70247564f48ee2ccc731a0197f0beede5c9ab269b75c890816069a185c42207964ffda2a640fb9a6541b8c8626852501b97e30b9c9d330e9a91abc557b100b480452240a20e4d7ec052e3510553b8c1ac266b64f1958c367797fc4afee4206faf2eb44454a10045a240a20ae370445693a817a596675d3faedc46ade4a78e3dd85f063e1ac029c7649db3318015a460a207964ffda2a640fb9a6541b8c8626852501b97e30b9c9d330e9a91abc557b100b1220221f3d07e4562344c61fd2ce193997d495f3eac8e6636080c0d112d5fcc406c7180112bf020a2055315c58656ae721ef65d8a611946717bce8bfbd8c0391dd8a16e9352c91b63410a0701a205d47c6bb25fb463837775189abe038ba9ed1f88c720fda6ba90afefcbad0032f2a20671b8248d6155d8ba235331caca338ad88ff0c70bf396cc7c63c5e44be3cea473220d861f42625c14644548407ff9c5def1a1a2f651d9b627a6c7e5f39e834a16f553a20bbf200a3eef4231428d581bdc006ddade3211d40317c517c7c8b9e46a365f41542200ef8ca6d44392a438a8b1f8beb3ce212ceca6ac65020adae9991a85ceb8a3c1752240a20d3bdfd3b829e7550433107c666b0e3ffdfd264dea719170fef67cfb5ecc6a5b710015a460a200ef8ca6d44392a438a8b1f8beb3ce212ceca6ac65020adae9991a85ceb8a3c1712201a2f1ec673aeaf8227e55e7ab0857901978b56e7c6db6fa78a1e3794ff6f22f01801680118017801";

    public const string LateOnArchivedSession =
        "330a2105bbf200a3eef4231428d581bdc006ddade3211d40317c517c7c8b9e46a365f415100018002220e0059dcf917a4250af434bf5a7c87ff0d7f76225ec36bf6b63cc5b53517bcab0c4e9c1c14836f8f0";

    public const string SkippedOnClosedChain =
        "330a2105fd0c0430f4eae32689e58a8a9dd1e459be249f7dd4d01004b1bb82c5cc8a1e121003180022105d58a2e90b5cbdb418f86adeb62846f50dab280ee84e7d82";

    public const string SkippedOnOpenChain =
        "330a210527bd5c70247564f48ee2ccc731a0197f0beede5c9ab269b75c890816069a185c10011804221084636a4c76a9fe86fd6675cc6f5249c31d936ad2aa23e7d4";

    public const string NextOnOpenChain =
        "330a210527bd5c70247564f48ee2ccc731a0197f0beede5c9ab269b75c890816069a185c1003180422104abe7052f1df599e3c15a58db53dac36b24388a4380e1f24";
}
