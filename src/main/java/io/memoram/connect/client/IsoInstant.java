package io.memoram.connect.client;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * A strict reader of the timestamp layout the API uses, {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|±HH:mm)},
 * by position: no formatter, no regular expression, no allocation but the result. One blob carries two
 * timestamps, so this runs twice per blob the source reads. Anything else returns null, and the caller
 * falls back to the lenient formatter.
 */
final class IsoInstant {
    private IsoInstant() { }

    /** The instant, or null when {@code s} does not have exactly this layout. */
    static Instant parse(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && i - start < 9 && isDigit(s.charAt(i))) {
                nanos = nanos * 10 + (s.charAt(i++) - '0');
            }
            int count = i - start;
            if (count == 0 || (i < n && isDigit(s.charAt(i)))) {
                return null;
            }
            for (int k = count; k < 9; k++) {
                nanos *= 10;
            }
        }
        if (i >= n) {
            return null;
        }
        int offsetSeconds;
        char z = s.charAt(i);
        if (z == 'Z' && i == n - 1) {
            offsetSeconds = 0;
        } else if ((z == '+' || z == '-') && i + 6 == n && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if ((oh | om) < 0 || oh > 18 || om > 59) {
                return null;
            }
            offsetSeconds = (z == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        } else {
            return null;
        }
        try {
            long days = LocalDate.of(year, month, day).toEpochDay(); // validates the day of the month
            return Instant.ofEpochSecond(days * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds, nanos);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /**
     * Rewrites the lenient spellings servers use into the strict layout: a space (or lower-case t) for
     * the {@code T}, a lower-case z, {@code +0200} or {@code +02} for {@code +02:00}, and no zone (read as
     * UTC). Anything else is returned unchanged, for {@link #parse} to refuse.
     */
    static String normalise(String s) {
        if (s.length() < 19) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 6).append(s);
        char sep = b.charAt(10);
        if (sep == ' ' || sep == 't') {
            b.setCharAt(10, 'T');
        }
        int i = 19;
        if (i < b.length() && b.charAt(i) == '.') {
            i++;
            while (i < b.length() && isDigit(b.charAt(i))) {
                i++;
            }
        }
        int zone = b.length() - i;
        if (zone == 0) {
            b.append('Z');
        } else if (zone == 1 && b.charAt(i) == 'z') {
            b.setCharAt(i, 'Z');
        } else if (b.charAt(i) == '+' || b.charAt(i) == '-') {
            if (zone == 5 && isDigit(b.charAt(i + 3))) {
                b.insert(i + 3, ':');
            } else if (zone == 3) {
                b.append(":00");
            }
        }
        return b.toString();
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The number written by {@code len} ASCII digits at {@code from}, or -1. */
    private static int digits(String s, int from, int len) {
        int v = 0;
        for (int k = from; k < from + len; k++) {
            char c = s.charAt(k);
            if (!isDigit(c)) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
