// A HIS client of the BHXH gateway in Node.js: token, card look-up, an episode signed with xml-crypto,
// verdict. Against the real gateway only BASE changes.
//
//   npm ci
//   node his-client.js send BASE USERNAME PASSWORD KEY.pem CERT.pem EPISODE.xml
//   node his-client.js verify CERTIFICATE.jws ISSUER.pem
//   node his-client.js sign KEY.pem CERT.pem EPISODE.xml SIGNED.xml   (sign only: compare with your HIS's file)
//
// Exit status 0 when the episode is HOP_LE (send) or the certificate is valid (verify).
// The officer at reception (hoTenCb, cccdCb): HIS_OFFICER_NAME, HIS_OFFICER_ID. Node 18 or later (fetch).
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const { DOMParser } = require("@xmldom/xmldom");
const { SignedXml } = require("xml-crypto");

async function call(base, path, { form, json, headers = {}, query } = {}) {
  const url = base.replace(/\/+$/, "") + path + (query ? "?" + new URLSearchParams(query) : "");
  const init = { method: form || json ? "POST" : "GET", headers: { ...headers } };
  if (form) init.body = new URLSearchParams(form);
  if (json) {
    init.body = JSON.stringify(json);
    init.headers["Content-Type"] = "application/json";
  }
  return (await fetch(url, init)).json();
}

// Enveloped XMLDSig: Reference URI="", enveloped + inclusive C14N, RSA-SHA256, SHA-256, the certificate in
// KeyInfo, the Signature inside CHUKYDONVI.
function sign(xml, keyPem, certPem) {
  const sig = new SignedXml({
    privateKey: keyPem,
    publicCert: certPem,
    signatureAlgorithm: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    canonicalizationAlgorithm: "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
  });
  sig.addReference({
    xpath: "/*",
    isEmptyUri: true,
    digestAlgorithm: "http://www.w3.org/2001/04/xmlenc#sha256",
    transforms: ["http://www.w3.org/2000/09/xmldsig#enveloped-signature",
                 "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"],
  });
  sig.computeSignature(xml, { location: { reference: "/*/*[local-name(.)='CHUKYDONVI']", action: "append" } });
  return sig.getSignedXml();
}

function patient(xml) {   // card, name and birth date from the episode's XML1 (the HIS knows them anyway)
  const doc = new DOMParser().parseFromString(xml, "text/xml");
  for (const f of Array.from(doc.getElementsByTagName("FILEHOSO"))) {
    if (f.getElementsByTagName("LOAIHOSO")[0].textContent !== "XML1") continue;
    const inner = Buffer.from(f.getElementsByTagName("NOIDUNGFILE")[0].textContent, "base64").toString("utf8");
    const xml1 = new DOMParser().parseFromString(inner, "text/xml");
    const text = (tag) => xml1.getElementsByTagName(tag)[0].textContent;
    const born = text("NGAY_SINH");                                   // yyyyMMddHHmm → ddMMyyyy
    return { maThe: text("MA_THE_BHYT"), hoTen: text("HO_TEN"), ngaySinh: born.slice(6, 8) + born.slice(4, 6) + born.slice(0, 4) };
  }
  throw new Error("the episode has no XML1");
}

async function send(base, username, password, keyFile, certFile, episodeFile) {
  const md5 = crypto.createHash("md5").update(password, "utf8").digest("hex").toUpperCase();  // uppercase MD5
  const token = await call(base, "/api/token/take", { form: { username, password: md5 } });
  if (token.maKetQua !== "200") {
    console.log("token refused:", token.maLoi, token.thongDiep);
    return 1;
  }
  const headers = { accessToken: token.APIKey.access_token, tokenId: token.APIKey.id_token, passwordHash: md5 };
  const xml = fs.readFileSync(episodeFile, "utf8");
  const card = await call(base, "/api/egw/KQNhanLichSuKCB2024", { headers, json: {
    ...patient(xml), hoTenCb: process.env.HIS_OFFICER_NAME || "Nguyễn Thị Thu", cccdCb: process.env.HIS_OFFICER_ID || "058190000001" } });
  console.log("card check: maKetQua", card.maKetQua, card.ghiChu || "");
  const signed = sign(xml, fs.readFileSync(keyFile), fs.readFileSync(certFile));
  const sent = await call(base, "/api/qd130/guiHoSoXmlQD3176", { headers, form: {
    username, loaiHoSo: "130", maTinh: username.slice(0, 2), maCSKCB: username.split("_")[0],
    fileHSBase64: Buffer.from(signed, "utf8").toString("base64") } });
  if (sent.maKetQua !== "200") {
    console.log("not acknowledged:", sent.maLoi, sent.thongDiep);
    return 1;
  }
  console.log("sent: maGiaoDich", sent.maGiaoDich);
  let result = {};
  for (let i = 0; i < 120 && result.trangThai !== "DA_XU_LY"; i++) {   // DA_TIEP_NHAN → DANG_XU_LY → DA_XU_LY
    if (i) await new Promise((r) => setTimeout(r, 1000));
    result = await call(base, "/api/qd130/ketQuaTiepNhan", { headers, query: { maGiaoDich: sent.maGiaoDich } });
  }
  const verdicts = (result.dsHoSo || []).map((h) => h.trangThai);
  console.log("verdict:", ...verdicts);
  const errors = [...(result.dsLoi || []), ...(result.dsHoSo || []).flatMap((h) => h.dsLoi || [])];
  for (const e of errors) console.log("  ", e.maLoi, e.thongDiep);   // why: the envelope's errors, then each HOSO's
  return verdicts.length === 1 && verdicts[0] === "HOP_LE" ? 0 : 1;
}

// RS256 over "header.payload" with the issuer certificate's public key; issuer name and expiry checked.
function verify(tokenFile, issuerPem) {
  const [header, payload, signature] = fs.readFileSync(tokenFile, "utf8").trim().split(".");
  if (JSON.parse(Buffer.from(header, "base64url")).alg !== "RS256") {
    console.log("INVALID: algorithm");
    return 1;
  }
  const key = new crypto.X509Certificate(fs.readFileSync(issuerPem)).publicKey;
  if (!crypto.verify("RSA-SHA256", Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, "base64url"))) {
    console.log("INVALID: signature does not match");
    return 1;
  }
  const claims = JSON.parse(Buffer.from(payload, "base64url"));
  if (claims.iss !== "skdt-sandbox" || claims.exp < Date.now() / 1000) {
    console.log("INVALID: issuer or expiry");
    return 1;
  }
  console.log("VALID:", claims.facility.code, claims.software.name, claims.software.version, "report sha256", claims.report.sha256);
  return 0;
}

const [command, ...args] = process.argv.slice(2);
if (command === "send" && args.length === 6) send(...args).then((code) => process.exit(code));
else if (command === "verify" && args.length === 2) process.exit(verify(...args));
else if (command === "sign" && args.length === 4) {
  const [keyFile, certFile, episodeFile, out] = args;
  fs.writeFileSync(out, sign(fs.readFileSync(episodeFile, "utf8"), fs.readFileSync(keyFile), fs.readFileSync(certFile)));
}
else {
  console.error("node his-client.js send BASE USERNAME PASSWORD KEY.pem CERT.pem EPISODE.xml | verify CERTIFICATE.jws ISSUER.pem"
    + " | sign KEY.pem CERT.pem EPISODE.xml SIGNED.xml");
  process.exit(2);
}
