// A HIS client of the BHXH gateway in C#: token, card look-up, an episode signed with SignedXml, verdict;
// and offline verification of a readiness certificate. Against the real gateway only BASE changes.
//
//   mcs -r:System.Security.dll -r:System.Net.Http.dll -r:System.Runtime.Serialization.dll -r:System.Xml.Linq.dll \
//       -out:HisClient.exe HisClient.cs          (Mono; with .NET Framework: csc, the same references)
//   mono HisClient.exe send BASE USERNAME PASSWORD FACILITY.p12 P12_PASSWORD EPISODE.xml
//   mono HisClient.exe verify CERTIFICATE.jws ISSUER.pem
//   mono HisClient.exe sign FACILITY.p12 P12_PASSWORD EPISODE.xml SIGNED.xml   (sign only: compare with your HIS's file)
//
// Exit status 0 when the episode is HOP_LE (send) or the certificate is valid (verify).
// The officer at reception (hoTenCb, cccdCb): HIS_OFFICER_NAME, HIS_OFFICER_ID.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Runtime.Serialization.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Threading;
using System.Xml;
using System.Xml.Linq;

static class HisClient
{
    static readonly HttpClient Http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };

    static XElement Json(string text)   // JSON → XML tree, with nothing but the framework
    {
        var reader = JsonReaderWriterFactory.CreateJsonReader(Encoding.UTF8.GetBytes(text), XmlDictionaryReaderQuotas.Max);
        return XElement.Load(reader);
    }

    static string Str(string value)     // a JSON string literal
    {
        var sb = new StringBuilder("\"");
        foreach (char c in value)
        {
            if (c == '"' || c == '\\') sb.Append('\\').Append(c);
            else if (c < ' ') sb.AppendFormat("\\u{0:x4}", (int)c);
            else sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    static XElement Post(string url, string json, Dictionary<string, string> headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var h in headers) request.Headers.Add(h.Key, h.Value);
        return Json(Http.SendAsync(request).Result.Content.ReadAsStringAsync().Result);
    }

    static XElement Get(string url, Dictionary<string, string> headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var h in headers) request.Headers.Add(h.Key, h.Value);
        return Json(Http.SendAsync(request).Result.Content.ReadAsStringAsync().Result);
    }

    static string Md5Upper(string text)  // the password travels as its uppercase MD5
    {
        using (var md5 = MD5.Create())
            return string.Concat(md5.ComputeHash(Encoding.UTF8.GetBytes(text)).Select(b => b.ToString("X2")));
    }

    // Enveloped XMLDSig as .NET HIS sign: Reference URI="", RSA-SHA256, SHA-256, the certificate in KeyInfo,
    // the Signature inside CHUKYDONVI.
    static byte[] Sign(XmlDocument doc, X509Certificate2 certificate)
    {
        var signedXml = new SignedXml(doc) { SigningKey = certificate.GetRSAPrivateKey() };
        signedXml.SignedInfo.SignatureMethod = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
        var reference = new Reference("") { DigestMethod = "http://www.w3.org/2001/04/xmlenc#sha256" };
        reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
        signedXml.AddReference(reference);
        var keyInfo = new KeyInfo();
        keyInfo.AddClause(new KeyInfoX509Data(certificate));
        signedXml.KeyInfo = keyInfo;
        signedXml.ComputeSignature();
        var slot = doc.DocumentElement["CHUKYDONVI"] ?? (XmlElement)doc.DocumentElement.AppendChild(doc.CreateElement("CHUKYDONVI"));
        slot.AppendChild(doc.ImportNode(signedXml.GetXml(), true));
        using (var stream = new MemoryStream())
        {
            doc.Save(stream);
            return stream.ToArray();
        }
    }

    static int Send(string baseUrl, string username, string password, string p12, string p12Password, string episodeFile)
    {
        baseUrl = baseUrl.TrimEnd('/');
        string md5 = Md5Upper(password);
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { { "username", username }, { "password", md5 } });
        var token = Json(Http.PostAsync(baseUrl + "/api/token/take", form).Result.Content.ReadAsStringAsync().Result);
        if ((string)token.Element("maKetQua") != "200")
        {
            Console.WriteLine("token refused: " + (string)token.Element("maLoi") + " " + (string)token.Element("thongDiep"));
            return 1;
        }
        var headers = new Dictionary<string, string> {
            { "accessToken", (string)token.Element("APIKey").Element("access_token") },
            { "tokenId", (string)token.Element("APIKey").Element("id_token") }, { "passwordHash", md5 } };

        var doc = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        doc.Load(episodeFile);
        // the patient, from the episode's XML1 (the HIS knows them anyway)
        var xml1 = doc.SelectNodes("//FILEHOSO").Cast<XmlElement>().First(f => f["LOAIHOSO"].InnerText == "XML1");
        var tongHop = new XmlDocument { XmlResolver = null };
        tongHop.LoadXml(Encoding.UTF8.GetString(Convert.FromBase64String(xml1["NOIDUNGFILE"].InnerText)).TrimStart('\uFEFF'));
        string born = tongHop.SelectSingleNode("//NGAY_SINH").InnerText;   // yyyyMMddHHmm → ddMMyyyy
        string cardJson = "{\"maThe\":" + Str(tongHop.SelectSingleNode("//MA_THE_BHYT").InnerText)
            + ",\"hoTen\":" + Str(tongHop.SelectSingleNode("//HO_TEN").InnerText)
            + ",\"ngaySinh\":" + Str(born.Substring(6, 2) + born.Substring(4, 2) + born.Substring(0, 4))
            + ",\"hoTenCb\":" + Str(Environment.GetEnvironmentVariable("HIS_OFFICER_NAME") ?? "Nguyễn Thị Thu")
            + ",\"cccdCb\":" + Str(Environment.GetEnvironmentVariable("HIS_OFFICER_ID") ?? "058190000001") + "}";
        var card = Post(baseUrl + "/api/egw/KQNhanLichSuKCB2024", cardJson, headers);
        Console.WriteLine("card check: maKetQua " + (string)card.Element("maKetQua") + " " + (string)card.Element("ghiChu"));

        var certificate = new X509Certificate2(p12, p12Password, X509KeyStorageFlags.Exportable);
        byte[] signedBytes = Sign(doc, certificate);
        // the five fields as JSON, as C# clients send them (a form works too; FormUrlEncodedContent
        // refuses values over 65 519 characters on .NET Framework, so large episodes go as JSON)
        string facility = username.Split('_')[0];
        string submission = "{\"username\":" + Str(username) + ",\"loaiHoSo\":\"130\",\"maTinh\":" + Str(username.Substring(0, 2))
            + ",\"maCSKCB\":" + Str(facility) + ",\"fileHSBase64\":" + Str(Convert.ToBase64String(signedBytes)) + "}";
        var sent = Post(baseUrl + "/api/qd130/guiHoSoXmlQD3176", submission, headers);
        if ((string)sent.Element("maKetQua") != "200")
        {
            Console.WriteLine("not acknowledged: " + (string)sent.Element("maLoi") + " " + (string)sent.Element("thongDiep"));
            return 1;
        }
        string transaction = (string)sent.Element("maGiaoDich");
        Console.WriteLine("sent: maGiaoDich " + transaction);
        XElement result = null;
        for (int i = 0; i < 120; i++)   // DA_TIEP_NHAN → DANG_XU_LY → DA_XU_LY
        {
            result = Get(baseUrl + "/api/qd130/ketQuaTiepNhan?maGiaoDich=" + Uri.EscapeDataString(transaction), headers);
            if ((string)result.Element("trangThai") == "DA_XU_LY") break;
            Thread.Sleep(1000);
        }
        var verdicts = result.Element("dsHoSo").Elements().Select(h => (string)h.Element("trangThai")).ToList();
        Console.WriteLine("verdict: " + string.Join(" ", verdicts));
        foreach (var error in result.Descendants("dsLoi").Elements())
            Console.WriteLine("   " + string.Join(" ", error.Elements().Select(e => e.Name.LocalName + "=" + e.Value)));
        return verdicts.Count == 1 && verdicts[0] == "HOP_LE" ? 0 : 1;
    }

    static byte[] Base64Url(string text)
    {
        string s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - s.Length % 4) % 4));
    }

    // RS256 over "header.payload" with the issuer certificate's public key; issuer name and expiry checked.
    static int Verify(string tokenFile, string issuerPem)
    {
        string[] parts = File.ReadAllText(tokenFile).Trim().Split('.');
        if ((string)Json(Encoding.UTF8.GetString(Base64Url(parts[0]))).Element("alg") != "RS256")
        {
            Console.WriteLine("INVALID: algorithm");
            return 1;
        }
        string pem = string.Concat(File.ReadAllLines(issuerPem).Where(l => !l.StartsWith("-----")));
        var issuer = new X509Certificate2(Convert.FromBase64String(pem));
        bool genuine = issuer.GetRSAPublicKey().VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]),
            Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (!genuine)
        {
            Console.WriteLine("INVALID: signature does not match");
            return 1;
        }
        var claims = Json(Encoding.UTF8.GetString(Base64Url(parts[1])));
        long exp = long.Parse((string)claims.Element("exp"));
        if ((string)claims.Element("iss") != "skdt-sandbox" || exp < DateTimeOffset.UtcNow.ToUnixTimeSeconds())
        {
            Console.WriteLine("INVALID: issuer or expiry");
            return 1;
        }
        Console.WriteLine("VALID: " + (string)claims.Element("facility").Element("code") + " "
            + (string)claims.Element("software").Element("name") + " " + (string)claims.Element("software").Element("version")
            + " report sha256 " + (string)claims.Element("report").Element("sha256"));
        return 0;
    }

    static int Main(string[] args)
    {
        Console.OutputEncoding = new UTF8Encoding(false);
        if (args.Length == 7 && args[0] == "send") return Send(args[1], args[2], args[3], args[4], args[5], args[6]);
        if (args.Length == 3 && args[0] == "verify") return Verify(args[1], args[2]);
        if (args.Length == 5 && args[0] == "sign")
        {
            var doc = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
            doc.Load(args[3]);
            File.WriteAllBytes(args[4], Sign(doc, new X509Certificate2(args[1], args[2], X509KeyStorageFlags.Exportable)));
            return 0;
        }
        Console.Error.WriteLine("HisClient.exe send BASE USERNAME PASSWORD FACILITY.p12 P12_PASSWORD EPISODE.xml | verify CERTIFICATE.jws ISSUER.pem"
            + " | sign FACILITY.p12 P12_PASSWORD EPISODE.xml SIGNED.xml");
        return 2;
    }
}
