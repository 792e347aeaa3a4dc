"""A function's code as Lambda limits it, through the `aws lambda` CLI and boto3: a zip bomb (a
quarter of a megabyte that unpacks to just over Lambda's 262,144,000 unzipped bytes), the same
bomb lying about its size in its headers, and an archive of too many files are refused with
Lambda's error; nothing of them is left under the data folder, baton's memory does not grow
with them (its peak stays within 64 MB of what it held before), and a function whose update is refused keeps running its previous code.

usage: python3 tests/serve/test_code_limits.py PATH_TO_BATON
"""

import io
import os
import struct
import unittest
import zipfile

import botocore.exceptions

import harness
import test_functions as tf

# Lambda's documented limit: 250 MB unzipped, which Lambda's error states in bytes.
UNZIPPED_LIMIT = 262_144_000
TOO_LARGE = f"Unzipped size must be smaller than {UNZIPPED_LIMIT} bytes"
FILE_LIMIT = 50_000  # baton's own (Lambda documents none)


def zeros_zip(size):
    """A zip of one file of `size` zero bytes, deflated: about 1/1000 of `size`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("app.py", "def handler(event, context):\n    return 'bomb'\n")
        with z.open("zeros.bin", "w") as f:
            chunk = bytes(1 << 20)
            left = size
            while left:
                f.write(chunk[:min(left, len(chunk))])
                left -= min(left, len(chunk))
    return buffer.getvalue()


def claiming(data, size):
    """`data` (a zip) whose last entry claims, in both its headers, to unpack to `size` bytes."""
    data = bytearray(data)
    last = zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()[-1]
    struct.pack_into("<I", data, last.header_offset + 22, size)  # local header
    struct.pack_into("<I", data, data.rfind(b"PK\x01\x02") + 24, size)  # central directory
    return bytes(data)


def files_zip(count):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        for i in range(count):
            z.writestr(f"f/{i}", b"")
    return buffer.getvalue()


def tree(folder):
    """{relative path: size} of every file and folder under `folder`."""
    found = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(root, name)
            found[os.path.relpath(path, folder)] = os.path.getsize(path)
    return found


class CodeLimits(tf.LambdaServerTest):

    @classmethod
    def set_up_functions(cls):
        cls.bomb = zeros_zip(UNZIPPED_LIMIT + 1)
        assert len(cls.bomb) < 400_000, len(cls.bomb)
        cls.create("kept", "python3.12", "app.handler",
                   {"app.py": "def handler(event, context):\n    return 'kept'\n"})
        cls.functions_dir = os.path.join(cls.server.data, "functions")

    def memory(self, field):
        """baton's VmRSS (resident memory) or VmHWM (its peak), in bytes."""
        with open(f"/proc/{self.server.process.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
        raise AssertionError(f"no {field}")

    def assert_memory_kept(self, resident_before):
        """The bomb did not land in baton's memory: its peak stayed within 64 MB of what it held
        before (an unpacked bomb is 250 MB)."""
        self.assertLess(self.memory("VmHWM") - resident_before, 64 * 1024 * 1024)

    def refused(self, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        error = caught.exception.response["Error"]
        self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        return error["Code"], error["Message"]

    def test_create_function_refuses_a_zip_bomb(self):
        before = tree(self.functions_dir)
        resident = self.memory("VmRSS")
        path = os.path.join(self.scratch, "bomb.zip")
        with open(path, "wb") as f:
            f.write(self.bomb)
        code, _, err = self.cli("create-function", "--function-name", "bomb", "--runtime",
                                "python3.12", "--handler", "app.handler", "--role",
                                tf.LAMBDA_ROLE, "--zip-file", f"fileb://{path}", check=False)
        self.assertEqual(code, 254, err)
        self.assertIn("An error occurred (InvalidParameterValueException) when calling the "
                      f"CreateFunction operation: {TOO_LARGE}", err)
        self.assertEqual(tree(self.functions_dir), before)
        names = [f["FunctionName"] for f in self.lam.list_functions()["Functions"]]
        self.assertNotIn("bomb", names)
        self.assert_memory_kept(resident)

    def test_a_zip_lying_about_its_size_is_measured_as_it_unpacks(self):
        before = tree(self.functions_dir)
        resident = self.memory("VmRSS")
        liar = claiming(self.bomb, 1000)
        code, message = self.refused(self.lam.create_function, FunctionName="liar",
                                     Runtime="python3.12", Handler="app.handler",
                                     Role=tf.LAMBDA_ROLE, Code={"ZipFile": liar})
        self.assertEqual((code, message), ("InvalidParameterValueException", TOO_LARGE))
        self.assertEqual(tree(self.functions_dir), before)
        self.assert_memory_kept(resident)

    def test_an_update_with_a_zip_bomb_keeps_the_previous_code(self):
        before = tree(self.functions_dir)
        sha = self.lam.get_function(FunctionName="kept")["Configuration"]["CodeSha256"]
        self.assertEqual(self.invoke("kept", {})[1], "kept")
        code, message = self.refused(self.lam.update_function_code, FunctionName="kept",
                                     ZipFile=self.bomb)
        self.assertEqual((code, message), ("InvalidParameterValueException", TOO_LARGE))
        self.assertEqual(tree(self.functions_dir), before)
        self.assertEqual(self.lam.get_function(FunctionName="kept")["Configuration"]["CodeSha256"],
                         sha)
        self.assertEqual(self.invoke("kept", {})[1], "kept")

    def test_too_many_files_are_refused(self):
        before = tree(self.functions_dir)
        code, message = self.refused(self.lam.create_function, FunctionName="many",
                                     Runtime="python3.12", Handler="app.handler",
                                     Role=tf.LAMBDA_ROLE,
                                     Code={"ZipFile": files_zip(FILE_LIMIT + 1)})
        self.assertEqual(code, "InvalidParameterValueException")
        self.assertIn(f"at most {FILE_LIMIT} files", message)
        self.assertEqual(tree(self.functions_dir), before)


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
