// A HIS client of the BHXH gateway in Java: token, card look-up, an episode signed with Apache Santuario,
// verdict; and offline verification of a readiness certificate. Against the real gateway only BASE changes.
//
//   CP=/usr/share/java/xmlsec.jar:/usr/share/java/slf4j-api.jar:/usr/share/java/slf4j-nop.jar   (Debian: libxml-security-java)
//   javac -cp $CP HisClient.java
//   java -cp $CP:. HisClient send BASE USERNAME PASSWORD FACILITY.p12 P12_PASSWORD EPISODE.xml
//   java -cp $CP:. HisClient verify CERTIFICATE.jws ISSUER.pem
//   java -cp $CP:. HisClient sign FACILITY.p12 P12_PASSWORD EPISODE.xml SIGNED.xml   (sign only: compare with your HIS's file)
//
// Exit status 0 when the episode is HOP_LE (send) or the certificate is valid (verify).
// The officer at reception (hoTenCb, cccdCb): HIS_OFFICER_NAME, HIS_OFFICER_ID.
// JSON is read with two small helpers to need nothing beyond the JDK and Santuario; a real HIS uses Jackson.
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.apache.xml.security.Init;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

public class HisClient {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                                                  .connectTimeout(Duration.ofSeconds(30)).build();

    static String field(String json, String name) {            // the first "name": "value" (or number)
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|(-?\\d+))").matcher(json);
        return m.find() ? (m.group(2) != null ? m.group(2) : m.group(3)) : null;
    }

    static String array(String json, String name) {            // the text of the array "name": [ … ]
        int key = json.indexOf("\"" + name + "\"");
        int start = key < 0 ? -1 : json.indexOf('[', key);
        if (start < 0) return "";
        boolean quoted = false;
        for (int i = start, depth = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '\\') i++;
            else if (c == '"') quoted = !quoted;
            else if (!quoted && c == '[') depth++;
            else if (!quoted && c == ']' && --depth == 0) return json.substring(start, i + 1);
        }
        return "";
    }

    static String str(String value) {                          // a JSON string literal
        StringBuilder sb = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < ' ') sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.append('"').toString();
    }

    static String form(String... pairs) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            if (sb.length() > 0) sb.append('&');
            sb.append(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8)).append('=')
              .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    static String call(String url, String contentType, String body, String[] headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        for (int i = 0; headers != null && i < headers.length; i += 2) request.header(headers[i], headers[i + 1]);
        if (body == null) request.GET();
        else request.header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
    }

    static Document parse(byte[] xml) throws Exception {       // hardened: no DTD, no external entities
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    static String text(Document doc, String tag) {
        return doc.getElementsByTagName(tag).item(0).getTextContent();
    }

    // Enveloped XMLDSig as Java HIS sign with Santuario: Reference URI="", RSA-SHA256, SHA-256, the certificate
    // in KeyInfo, the Signature inside CHUKYDONVI.
    static byte[] sign(Document doc, PrivateKey key, X509Certificate certificate) throws Exception {
        Init.init();
        Element root = doc.getDocumentElement();
        NodeList slots = root.getElementsByTagName("CHUKYDONVI");
        Element slot = slots.getLength() > 0 ? (Element) slots.item(slots.getLength() - 1)
                                             : (Element) root.appendChild(doc.createElement("CHUKYDONVI"));
        XMLSignature signature = new XMLSignature(doc, "", XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256,
                                                  Canonicalizer.ALGO_ID_C14N_OMIT_COMMENTS);
        slot.appendChild(signature.getElement());
        Transforms transforms = new Transforms(doc);
        transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
        transforms.addTransform(Transforms.TRANSFORM_C14N_OMIT_COMMENTS);
        signature.addDocument("", transforms, "http://www.w3.org/2001/04/xmlenc#sha256");
        signature.addKeyInfo(certificate);
        signature.sign(key);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TransformerFactory.newInstance().newTransformer().transform(new DOMSource(doc), new StreamResult(out));
        return out.toByteArray();
    }

    static byte[] signWith(Document doc, String p12, String p12Password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(p12)) { store.load(in, p12Password.toCharArray()); }
        String alias = store.aliases().nextElement();
        return sign(doc, (PrivateKey) store.getKey(alias, p12Password.toCharArray()), (X509Certificate) store.getCertificate(alias));
    }

    static int send(String base, String username, String password, String p12, String p12Password, String episode)
            throws Exception {
        base = base.replaceAll("/+$", "");
        StringBuilder md5 = new StringBuilder();                // the password travels as its uppercase MD5
        for (byte b : MessageDigest.getInstance("MD5").digest(password.getBytes(StandardCharsets.UTF_8)))
            md5.append(String.format("%02X", b));
        String token = call(base + "/api/token/take", "application/x-www-form-urlencoded",
                            form("username", username, "password", md5.toString()), null);
        if (!"200".equals(field(token, "maKetQua"))) {
            System.out.println("token refused: " + field(token, "maLoi") + " " + field(token, "thongDiep"));
            return 1;
        }
        String[] headers = {"accessToken", field(token, "access_token"), "tokenId", field(token, "id_token"),
                            "passwordHash", md5.toString()};

        Document doc = parse(Files.readAllBytes(Path.of(episode)));
        Document xml1 = null;                                    // the patient, from the episode's XML1
        NodeList files = doc.getElementsByTagName("FILEHOSO");
        for (int i = 0; i < files.getLength(); i++) {
            Element f = (Element) files.item(i);
            if ("XML1".equals(f.getElementsByTagName("LOAIHOSO").item(0).getTextContent()))
                xml1 = parse(Base64.getDecoder().decode(f.getElementsByTagName("NOIDUNGFILE").item(0).getTextContent().trim()));
        }
        String born = text(xml1, "NGAY_SINH");                   // yyyyMMddHHmm → ddMMyyyy
        String officer = System.getenv().getOrDefault("HIS_OFFICER_NAME", "Nguyễn Thị Thu");
        String officerId = System.getenv().getOrDefault("HIS_OFFICER_ID", "058190000001");
        String card = call(base + "/api/egw/KQNhanLichSuKCB2024", "application/json",
            "{\"maThe\":" + str(text(xml1, "MA_THE_BHYT")) + ",\"hoTen\":" + str(text(xml1, "HO_TEN"))
            + ",\"ngaySinh\":" + str(born.substring(6, 8) + born.substring(4, 6) + born.substring(0, 4))
            + ",\"hoTenCb\":" + str(officer) + ",\"cccdCb\":" + str(officerId) + "}", headers);
        System.out.println("card check: maKetQua " + field(card, "maKetQua") + " " + field(card, "ghiChu"));

        byte[] signed = signWith(doc, p12, p12Password);
        String sent = call(base + "/api/qd130/guiHoSoXmlQD3176", "application/x-www-form-urlencoded",
            form("username", username, "loaiHoSo", "130", "maTinh", username.substring(0, 2),
                 "maCSKCB", username.split("_")[0], "fileHSBase64", Base64.getEncoder().encodeToString(signed)), headers);
        if (!"200".equals(field(sent, "maKetQua"))) {
            System.out.println("not acknowledged: " + field(sent, "maLoi") + " " + field(sent, "thongDiep"));
            return 1;
        }
        String transaction = field(sent, "maGiaoDich");
        System.out.println("sent: maGiaoDich " + transaction);
        String result = "";
        for (int i = 0; i < 120; i++) {                          // DA_TIEP_NHAN → DANG_XU_LY → DA_XU_LY
            result = call(base + "/api/qd130/ketQuaTiepNhan?maGiaoDich=" + URLEncoder.encode(transaction, StandardCharsets.UTF_8),
                          null, null, headers);
            String inner = array(result, "dsHoSo");
            String outer = inner.isEmpty() ? result : result.replace(inner, "[]");   // the transaction's own trangThai
            if ("DA_XU_LY".equals(field(outer, "trangThai"))) break;
            Thread.sleep(1000);
        }
        String list = array(result, "dsHoSo");                   // each HOSO's trangThai
        List<String> verdicts = new ArrayList<>();
        Matcher m = Pattern.compile("\"trangThai\"\\s*:\\s*\"(\\w+)\"").matcher(list);
        while (m.find()) verdicts.add(m.group(1));
        System.out.println("verdict: " + String.join(" ", verdicts));
        if (!verdicts.equals(List.of("HOP_LE")))       // why: the envelope's errors, then each HOSO's
            System.out.println("   " + array(result.replace(list, "[]"), "dsLoi") + "\n   " + list);
        return verdicts.equals(List.of("HOP_LE")) ? 0 : 1;
    }

    // RS256 over "header.payload" with the issuer certificate's public key; issuer name and expiry checked.
    static int verify(String tokenFile, String issuerPem) throws Exception {
        String[] parts = Files.readString(Path.of(tokenFile)).trim().split("\\.");
        Base64.Decoder url = Base64.getUrlDecoder();
        if (!"RS256".equals(field(new String(url.decode(parts[0]), StandardCharsets.UTF_8), "alg"))) {
            System.out.println("INVALID: algorithm");
            return 1;
        }
        X509Certificate issuer;
        try (FileInputStream in = new FileInputStream(issuerPem)) {
            issuer = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(issuer.getPublicKey());
        rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        if (!rs256.verify(url.decode(parts[2]))) {
            System.out.println("INVALID: signature does not match");
            return 1;
        }
        String claims = new String(url.decode(parts[1]), StandardCharsets.UTF_8);
        if (!"skdt-sandbox".equals(field(claims, "iss"))
                || Long.parseLong(field(claims, "exp")) < System.currentTimeMillis() / 1000) {
            System.out.println("INVALID: issuer or expiry");
            return 1;
        }
        System.out.println("VALID: " + field(claims, "code") + " " + field(claims, "name") + " report sha256 "
                           + field(claims, "sha256"));
        return 0;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 7 && args[0].equals("send")) System.exit(send(args[1], args[2], args[3], args[4], args[5], args[6]));
        if (args.length == 3 && args[0].equals("verify")) System.exit(verify(args[1], args[2]));
        if (args.length == 5 && args[0].equals("sign")) {
            Files.write(Path.of(args[4]), signWith(parse(Files.readAllBytes(Path.of(args[3]))), args[1], args[2]));
            System.exit(0);
        }
        System.err.println("HisClient send BASE USERNAME PASSWORD FACILITY.p12 P12_PASSWORD EPISODE.xml | verify CERTIFICATE.jws ISSUER.pem"
                           + " | sign FACILITY.p12 P12_PASSWORD EPISODE.xml SIGNED.xml");
        System.exit(2);
    }
}
