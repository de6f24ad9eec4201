/** A member's private photos as thumbnails through /files, each linking to the full image. */
export function PhotoThumbnails({ ids, alt }: { ids: readonly string[]; alt: (index: number) => string }) {
  if (ids.length === 0) return null;
  return (
    <ul className="photos">
      {ids.map((id, i) => (
        <li key={id}>
          <a href={`/files/${id}`}>
            {/* biome-ignore lint/performance/noImgElement: a member's private file through /files, not optimisable by next/image */}
            <img
              src={`/files/${id}?variant=thumbnail`}
              alt={alt(i)}
              width={160}
              height={160}
              loading="lazy"
            />
          </a>
        </li>
      ))}
    </ul>
  );
}
