import { Center, Loader } from "@mantine/core";

export default function Loading() {
  return (
    <Center py="xl" role="status" aria-label="Loading">
      <Loader />
    </Center>
  );
}
