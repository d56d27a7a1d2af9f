/* embedgen.c — build-time tool: writes a C file embedding the given files
   (the default checks, policies and feeds) as cli_embedded_files[]. */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("#include \"cli/cli.h\"\n");
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) { perror(argv[i]); return 1; }
        printf("static const unsigned char f%d[] = {", i);
        int c; unsigned long n = 0;
        while ((c = getc(f)) != EOF) printf("%s%d,", n++ % 32 ? "" : "\n", c);
        printf("0};\n");
        fclose(f);
    }
    printf("const cli_embedded_file cli_embedded_files[] = {\n");
    for (int i = 1; i < argc; i++)
        printf("  {\"%s\", f%d, sizeof f%d - 1},\n", argv[i], i, i);
    printf("  {0, 0, 0}};\nconst unsigned long cli_embedded_count = %d;\n", argc - 1);
    return 0;
}
