package io.autotopup.kyc.adapter.out.inspection;

import io.autotopup.kyc.application.DocumentInspector;
import io.autotopup.kyc.domain.FileKind;
import io.autotopup.kyc.domain.RejectedUpload;
import io.autotopup.kyc.domain.RejectedUpload.Reason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSDocument;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSObjectKey;
import org.apache.pdfbox.io.MemoryUsageSetting;
import org.apache.pdfbox.pdmodel.PDDocument;

/**
 * Reads an upload by its bytes. An image is decoded whole (a truncated or corrupt one is refused, as is one that claims
 * more than {@value #MAX_PIXELS} pixels: a decompression bomb) and encoded again from its pixels alone, which leaves
 * its EXIF (the phone's location, its serial number), comments and other metadata behind; a large photo is brought
 * down to about {@value #STORED_PIXELS} pixels, plenty to read a document. A PDF must be whole, and is read with
 * PDFBox the way a reader would, every object including those inside compressed object streams: one that carries
 * scripts, actions, forms or embedded files anywhere is refused; one that passes is stored as PDFBox writes it again,
 * without its information dictionary or XMP metadata (the author, the scanning software).
 */
public final class FileInspector implements DocumentInspector {

    static final long MAX_PIXELS = 100_000_000L;
    static final long STORED_PIXELS = 12_000_000L;
    /** Names in a PDF that run something or carry something: refused. */
    private static final Pattern ACTIVE_PDF = Pattern.compile(
            "/(JavaScript|JS|OpenAction|AA|Launch|EmbeddedFile|EmbeddedFiles|RichMedia|XFA|SubmitForm|ImportData|GoToR|GoToE)(?![A-Za-z0-9])");
    /**
     * Keys that run something or carry something, as PDFBox reads them: scripts, actions (an annotation's or a link's
     * {@code /A}, additional actions), forms and embedded files.
     */
    private static final Set<String> ACTIVE_KEYS = Set.of("JavaScript", "JS", "OpenAction", "AA", "A", "Launch",
            "EmbeddedFile", "EmbeddedFiles", "RichMedia", "XFA", "AcroForm", "URI");
    /**
     * Values that name an action or an annotation that runs or carries something ({@code /S /JavaScript},
     * {@code /Subtype /FileAttachment}); glyph names such as {@code /A} in a font's differences are not among them.
     */
    private static final Set<String> ACTIVE_VALUES = Set.of("JavaScript", "Launch", "SubmitForm", "ResetForm", "ImportData",
            "GoToR", "GoToE", "EmbeddedFile", "RichMedia", "URI", "Sound", "Movie", "Rendition", "FileAttachment");
    /** The most a PDF's parsing may hold in memory (the upload is at most 5 MB; object streams expand). */
    private static final long PDF_MEMORY = 64L * 1024 * 1024;
    private static final Pattern NAME_ESCAPE = Pattern.compile("#([0-9A-Fa-f]{2})");

    @Override
    public Inspected inspect(byte[] file) {
        FileKind kind = FileKind.of(file).orElseThrow(() -> new RejectedUpload(Reason.UNSUPPORTED_TYPE,
                "The file is not a JPEG, PNG or PDF (judged by its content, not its name)"));
        return switch (kind) {
            case JPEG, PNG -> new Inspected(kind, reencode(kind, file));
            case PDF -> new Inspected(kind, checkPdf(file));
        };
    }

    private static byte[] reencode(FileKind kind, byte[] file) {
        if (kind == FileKind.JPEG && !endsWith(file, 0xFF, 0xD9)) {
            throw new RejectedUpload(Reason.UNREADABLE, "The JPEG is cut short: it has no end marker");
        }
        if (kind == FileKind.PNG && !endsWith(file, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82)) {
            throw new RejectedUpload(Reason.UNREADABLE, "The PNG is cut short: it has no end chunk");
        }
        BufferedImage image = decode(file);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (kind == FileKind.PNG) {
                ImageIO.write(image, "png", out);
            } else {
                writeJpeg(rgb(image), out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot encode the image again", e);
        }
        return out.toByteArray();
    }

    private static BufferedImage decode(byte[] file) {
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(file))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw new RejectedUpload(Reason.UNREADABLE, "The image cannot be read");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels <= 0 || pixels > MAX_PIXELS) {
                    throw new RejectedUpload(Reason.UNREADABLE, "The image claims " + pixels + " pixels: more than a photo has");
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = (int) Math.ceil(Math.sqrt((double) pixels / STORED_PIXELS));
                if (step > 1) {
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((IIOReadWarningListener) (source, warning) -> warnings.add(warning));
                BufferedImage image = reader.read(0, param);
                if (!warnings.isEmpty()) {
                    throw new RejectedUpload(Reason.UNREADABLE, "The image is damaged: " + warnings.get(0));
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof RejectedUpload rejected) {
                throw rejected;
            }
            throw new RejectedUpload(Reason.UNREADABLE, "The image cannot be read: it is damaged or in a form we do not read");
        }
    }

    /** JPEG has no alpha: an image with one is drawn on white. */
    private static BufferedImage rgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB || image.getType() == BufferedImage.TYPE_3BYTE_BGR
                || image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        var graphics = rgb.createGraphics();
        graphics.setColor(java.awt.Color.WHITE);
        graphics.fillRect(0, 0, image.getWidth(), image.getHeight());
        graphics.drawImage(image, 0, 0, null);
        graphics.dispose();
        return rgb;
    }

    private static void writeJpeg(BufferedImage image, ByteArrayOutputStream out) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream output = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(output);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.9f);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    private static byte[] checkPdf(byte[] file) {
        String tail = new String(file, Math.max(0, file.length - 1024), Math.min(1024, file.length), StandardCharsets.ISO_8859_1);
        if (!tail.contains("%%EOF")) {
            throw new RejectedUpload(Reason.UNREADABLE, "The PDF is cut short: it has no end");
        }
        // the raw bytes first: names written in the clear, even in an object no parser would reach
        Matcher active = ACTIVE_PDF.matcher(unescapeNames(new String(file, StandardCharsets.ISO_8859_1)));
        if (active.find()) {
            throw new RejectedUpload(Reason.UNSAFE, "The PDF carries " + active.group() + ": send a scan or a photo instead");
        }
        // then as a reader sees it: every object, those inside compressed object streams too
        try (PDDocument document = Loader.loadPDF(file, "", null, null,
                MemoryUsageSetting.setupMainMemoryOnly(PDF_MEMORY).streamCache)) {
            if (document.isEncrypted()) {
                throw new RejectedUpload(Reason.UNREADABLE, "The PDF is encrypted: send it without a password");
            }
            COSDocument cos = document.getDocument();
            Set<COSBase> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            Deque<COSBase> next = new ArrayDeque<>();
            next.push(cos.getTrailer());
            for (COSObjectKey key : List.copyOf(cos.getXrefTable().keySet())) {
                COSObject object = cos.getObjectFromPool(key);
                if (object != null) {
                    next.push(object);
                }
            }
            while (!next.isEmpty()) {
                COSBase base = next.pop();
                if (base instanceof COSObject object) {
                    base = object.getObject();
                }
                if (base == null || !seen.add(base)) {
                    continue;
                }
                if (base instanceof COSDictionary dictionary) {
                    for (Map.Entry<COSName, COSBase> entry : dictionary.entrySet()) {
                        refuseActive(entry.getKey(), ACTIVE_KEYS);
                        next.push(entry.getValue());
                    }
                } else if (base instanceof COSArray array) {
                    array.forEach(next::push);
                } else if (base instanceof COSName name) {
                    refuseActive(name, ACTIVE_VALUES);
                }
            }
            return withoutMetadata(document);
        } catch (IOException e) {
            throw new RejectedUpload(Reason.UNREADABLE, "The PDF cannot be read: it is damaged or in a form we do not read");
        }
    }

    /** A name that runs something or carries something, wherever it is (a key, a value, an action's type). */
    private static void refuseActive(COSName name, Set<String> active) {
        if (active.contains(name.getName())) {
            throw new RejectedUpload(Reason.UNSAFE, "The PDF carries /" + name.getName() + ": send a scan or a photo instead");
        }
    }

    /** The document as PDFBox writes it again, without its information dictionary (author, software) or XMP metadata. */
    private static byte[] withoutMetadata(PDDocument document) throws IOException {
        document.getDocument().getTrailer().removeItem(COSName.INFO);
        document.getDocumentCatalog().getCOSObject().removeItem(COSName.METADATA);
        for (var page : document.getPages()) {
            page.getCOSObject().removeItem(COSName.METADATA);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        document.save(out);
        return out.toByteArray();
    }

    /** {@code /Java#53cript} is {@code /JavaScript}: names are compared as a reader sees them. */
    private static String unescapeNames(String text) {
        Matcher escape = NAME_ESCAPE.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (escape.find()) {
            escape.appendReplacement(out, Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(escape.group(1), 16))));
        }
        escape.appendTail(out);
        return out.toString();
    }

    private static boolean endsWith(byte[] bytes, int... suffix) {
        int end = bytes.length;
        while (end > 0 && (bytes[end - 1] == 0 || bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
            end--;
        }
        if (end < suffix.length) {
            return false;
        }
        for (int i = 0; i < suffix.length; i++) {
            if ((bytes[end - suffix.length + i] & 0xFF) != suffix[i]) {
                return false;
            }
        }
        return true;
    }
}
