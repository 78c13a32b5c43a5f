package io.autotopup.kyc;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/** Files as subscribers (and attackers) send them: photos with EXIF, cut-short ones, renamed ones, hostile PDFs. */
public final class TestFiles {

    /** What a phone writes into EXIF: where the photo was taken. */
    public static final String EXIF_SECRET = "GPS 17.9757N 102.6331E Pixel-8-serial-0042";

    private TestFiles() {
    }

    /** A photo of an "ID card", as a JPEG with an EXIF segment carrying {@link #EXIF_SECRET}. */
    public static byte[] jpegWithExif(int width, int height) {
        byte[] jpeg = encode(card(width, height), "jpeg");
        byte[] exif = ("Exif\0\0MM\0*\0\0\0\u0008" + EXIF_SECRET).getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xE1);
        int length = exif.length + 2;
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.write(exif, 0, exif.length);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    public static byte[] png(int width, int height) {
        return encode(card(width, height), "png");
    }

    /** A JPEG cut off half way, as a dropped upload leaves it. */
    public static byte[] truncatedJpeg() {
        byte[] jpeg = jpegWithExif(400, 300);
        return Arrays.copyOf(jpeg, jpeg.length / 2);
    }

    /** A Linux executable renamed front.jpg. */
    public static byte[] executable() {
        byte[] elf = new byte[4096];
        elf[0] = 0x7F;
        elf[1] = 'E';
        elf[2] = 'L';
        elf[3] = 'F';
        return elf;
    }

    /** A zip file (local file header), the wrapper of a zip bomb. */
    public static byte[] zip() {
        byte[] zip = new byte[2048];
        zip[0] = 'P';
        zip[1] = 'K';
        zip[2] = 3;
        zip[3] = 4;
        return zip;
    }

    /** A few hundred bytes of PNG that claim 50,000 × 50,000 pixels: a decompression bomb. */
    public static byte[] pngBomb() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        byte[] header = new byte[13];
        putInt(header, 0, 50_000);
        putInt(header, 4, 50_000);
        header[8] = 8;
        header[9] = 2;
        chunk(out, "IHDR", header);
        Deflater deflater = new Deflater(9);
        deflater.setInput(new byte[1_000_000]);
        deflater.finish();
        byte[] compressed = new byte[20_000];
        int size = deflater.deflate(compressed);
        chunk(out, "IDAT", Arrays.copyOf(compressed, size));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    public static byte[] pdf(String body) {
        return ("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R " + body + " >> endobj\n"
                + "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private static BufferedImage card(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(new Color(0xE8F0FA));
        graphics.fillRect(0, 0, width, height);
        graphics.setColor(new Color(0x0B5CAD));
        graphics.fillRect(width / 20, height / 10, width / 3, height / 2);
        graphics.drawString("LAO PDR NATIONAL ID 0123456789", width / 2, height / 3);
        graphics.dispose();
        return image;
    }

    private static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, format, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] length = new byte[4];
        putInt(length, 0, data.length);
        out.writeBytes(length);
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        byte[] sum = new byte[4];
        putInt(sum, 0, (int) crc.getValue());
        out.writeBytes(sum);
    }

    private static void putInt(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }
}
