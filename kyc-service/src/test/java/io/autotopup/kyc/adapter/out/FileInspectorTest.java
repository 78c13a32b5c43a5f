package io.autotopup.kyc.adapter.out;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autotopup.kyc.TestFiles;
import io.autotopup.kyc.adapter.out.inspection.FileInspector;
import io.autotopup.kyc.application.DocumentInspector;
import io.autotopup.kyc.domain.FileKind;
import io.autotopup.kyc.domain.RejectedUpload;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class FileInspectorTest {

    private final FileInspector inspector = new FileInspector();

    @Test
    void a_photo_is_stored_without_its_exif_and_still_shows_the_document() throws Exception {
        byte[] sent = TestFiles.jpegWithExif(800, 500);
        assertThat(new String(sent, StandardCharsets.ISO_8859_1)).contains(TestFiles.EXIF_SECRET);

        DocumentInspector.Inspected inspected = inspector.inspect(sent);

        assertThat(inspected.kind()).isEqualTo(FileKind.JPEG);
        String stored = new String(inspected.stored(), StandardCharsets.ISO_8859_1);
        assertThat(stored).doesNotContain(TestFiles.EXIF_SECRET).doesNotContain("Exif");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(inspected.stored()));
        assertThat(image.getWidth()).isEqualTo(800);
        assertThat(image.getHeight()).isEqualTo(500);
    }

    @Test
    void a_png_stays_a_png_and_a_huge_photo_is_brought_down_to_a_readable_size() throws Exception {
        assertThat(inspector.inspect(TestFiles.png(300, 200)).kind()).isEqualTo(FileKind.PNG);

        DocumentInspector.Inspected large = inspector.inspect(TestFiles.png(6000, 4000));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(large.stored()));
        assertThat((long) image.getWidth() * image.getHeight()).isLessThanOrEqualTo(12_000_000L);
        assertThat(image.getWidth()).isEqualTo(3000);
    }

    @Test
    void files_are_told_apart_by_their_bytes_so_a_renamed_executable_or_a_zip_is_refused() {
        assertThatThrownBy(() -> inspector.inspect(TestFiles.executable())).isInstanceOfSatisfying(RejectedUpload.class,
                rejected -> assertThat(rejected.reason()).isEqualTo(RejectedUpload.Reason.UNSUPPORTED_TYPE));
        assertThatThrownBy(() -> inspector.inspect(TestFiles.zip())).isInstanceOfSatisfying(RejectedUpload.class,
                rejected -> assertThat(rejected.reason()).isEqualTo(RejectedUpload.Reason.UNSUPPORTED_TYPE));
    }

    @Test
    void a_cut_short_image_and_a_decompression_bomb_are_unreadable() {
        assertThatThrownBy(() -> inspector.inspect(TestFiles.truncatedJpeg())).isInstanceOfSatisfying(RejectedUpload.class,
                rejected -> assertThat(rejected.reason()).isEqualTo(RejectedUpload.Reason.UNREADABLE));
        assertThatThrownBy(() -> inspector.inspect(TestFiles.pngBomb())).isInstanceOfSatisfying(RejectedUpload.class,
                rejected -> assertThat(rejected.getMessage()).contains("2500000000 pixels"));
    }

    @Test
    void a_pdf_with_javascript_or_an_open_action_is_unsafe_even_when_its_names_are_escaped() {
        assertThat(inspector.inspect(TestFiles.pdf("")).kind()).isEqualTo(FileKind.PDF);
        for (String active : new String[] {"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>", "/Names << /Java#53cript 3 0 R >>",
                "/AA << /O 4 0 R >>", "/EmbeddedFiles 5 0 R"}) {
            assertThatThrownBy(() -> inspector.inspect(TestFiles.pdf(active))).as(active)
                    .isInstanceOfSatisfying(RejectedUpload.class,
                            rejected -> assertThat(rejected.reason()).isEqualTo(RejectedUpload.Reason.UNSAFE));
        }
        byte[] cut = TestFiles.pdf("");
        assertThatThrownBy(() -> inspector.inspect(java.util.Arrays.copyOf(cut, cut.length - 8)))
                .isInstanceOfSatisfying(RejectedUpload.class,
                        rejected -> assertThat(rejected.reason()).isEqualTo(RejectedUpload.Reason.UNREADABLE));
    }
}
