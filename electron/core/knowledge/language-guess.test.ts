import {describe, expect, it} from "vitest";
import {guessLanguage, PASSAGE_EVIDENCE, QUESTION_EVIDENCE} from "./language-guess.js";

describe("guessing a text's language", () => {
  it("reads a technician's question, and says nothing of a terse one", () => {
    expect(guessLanguage("how do I send all plain http visitors to the https site?", QUESTION_EVIDENCE)).toBe("en");
    expect(guessLanguage("the web server will not start: address already in use", QUESTION_EVIDENCE)).toBe("en");
    expect(guessLanguage("Wie leite ich alle Anfragen auf die verschlüsselte Seite um?", QUESTION_EVIDENCE)).toBe("de");
    expect(guessLanguage("Le serveur ne démarre pas après la mise à jour, que faire ?", QUESTION_EVIDENCE)).toBe("fr");
    for (const terse of ["vpn error 809", "ProxyPass backend", "DNS"]) expect(guessLanguage(terse, QUESTION_EVIDENCE)).toBeNull();
  });

  it("reads passages by their common words, and other scripts by their letters", () => {
    const english = "When the server starts it reads the main configuration file. If a directive is not allowed in this context, the server refuses to start and writes the reason to the error log.";
    const french = "Lorsque le serveur démarre, il lit le fichier de configuration principal. Si une directive n'est pas autorisée dans ce contexte, le serveur refuse de démarrer et écrit la raison dans le journal.";
    const turkish = "Sunucu başlatıldığında ana yapılandırma dosyasını okur. Bu bağlamda izin verilmeyen bir yönerge varsa sunucu başlamaz ve bunun nedenini hata günlüğüne yazar; bu durum için yapılandırma dosyası ile ilgili bir düzeltme gerekir.";
    const japanese = "サーバは起動時に主設定ファイル httpd.conf を読み込みます。Listen ディレクティブが重複していると起動に失敗します。";
    const korean = "서버는 시작할 때 주 설정 파일을 읽습니다. Listen 지시어가 중복되면 서버가 시작하지 않습니다.";
    expect(guessLanguage(english, PASSAGE_EVIDENCE)).toBe("en");
    expect(guessLanguage(french, PASSAGE_EVIDENCE)).toBe("fr");
    expect(guessLanguage(turkish, PASSAGE_EVIDENCE)).toBe("tr");
    expect(guessLanguage(japanese, PASSAGE_EVIDENCE)).toBe("ja");
    expect(guessLanguage(korean, PASSAGE_EVIDENCE)).toBe("ko");
  });

  it("says nothing of code, a list of names or a line too short to tell", () => {
    expect(guessLanguage('<VirtualHost *:443>\n  ServerName www.example.com\n  SSLEngine on\n</VirtualHost>', PASSAGE_EVIDENCE)).toBeNull();
    expect(guessLanguage("mod_rewrite mod_proxy mod_ssl mod_headers mod_deflate", PASSAGE_EVIDENCE)).toBeNull();
    expect(guessLanguage("Restart the spooler.", PASSAGE_EVIDENCE)).toBeNull();
    expect(guessLanguage("", PASSAGE_EVIDENCE)).toBeNull();
  });
});
