import java.io.FileInputStream;
import java.io.InputStream;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.PropertyResourceBundle;

/**
 * Reads .properties files as Java's ResourceBundle does (UTF-8, else ISO-8859-1) and prints
 * one line per key: file, key, value, and the value as MessageFormat renders it with no
 * arguments (its argument count first; ERROR when it is not a valid pattern). Tabs, line
 * breaks and backslashes are escaped. Used by tests/localise/test_app_catalogs.py.
 */
public class PropertiesCheck {
    public static void main(String[] files) throws Exception {
        for (String f : files) {
            PropertyResourceBundle bundle;
            try (InputStream in = new FileInputStream(f)) {
                bundle = new PropertyResourceBundle(in);
            }
            List<String> keys = new ArrayList<>(bundle.keySet());
            Collections.sort(keys);
            for (String k : keys) {
                String v = bundle.getString(k);
                String rendered;
                try {
                    MessageFormat mf = new MessageFormat(v);
                    rendered = mf.getFormatsByArgumentIndex().length + ":" + mf.format(new Object[0]);
                } catch (IllegalArgumentException e) {
                    rendered = "ERROR";
                }
                System.out.println(f + "\t" + esc(k) + "\t" + esc(v) + "\t" + esc(rendered));
            }
        }
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }
}
